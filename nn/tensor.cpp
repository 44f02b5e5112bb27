#include "nn/tensor.hpp"

#include <unordered_set>
#include <utility>

#include "nn/buffers.hpp"
#include "util/error.hpp"

namespace gb {

size_t numel(const Shape& shape) {
    size_t n = 1;
    for (int d : shape) n *= size_t(d);
    return n;
}

std::string shape_str(const Shape& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

float* Node::grad_buffer() {
    if (grad.empty()) grad = zero_buffer(data.size());
    return grad.data();
}

float* Node::grad_buffer_to_fill(bool& fresh) {
    fresh = grad.empty();
    if (fresh) grad = uninitialized_buffer(data.size());
    return grad.data();
}

void Tensor::zero_grad() {
    recycle(std::move(node_->grad));
    node_->grad.clear();
}

Node::~Node() {
    // Destroying a node may destroy its parents, theirs, and so on: done
    // recursively, a long chain (an unrolled LSTM) would overflow the stack.
    // Instead, parents about to die are moved to a local list and emptied
    // here one by one. The closure goes first: it holds references too.
    backward = nullptr;
    recycle(std::move(data));
    recycle(std::move(grad));
    std::vector<std::shared_ptr<Node>> dying = std::move(parents);
    while (!dying.empty()) {
        std::shared_ptr<Node> n = std::move(dying.back());
        dying.pop_back();
        if (n && n.use_count() == 1) {
            for (auto& p : n->parents) dying.push_back(std::move(p));
            n->parents.clear();
            n->backward = nullptr;  // the closure may hold references too
        }
    }
}

Tensor::Tensor(Shape shape, float fill) : node_(std::make_shared<Node>()) {
    node_->data.assign(gb::numel(shape), fill);
    node_->shape = std::move(shape);
}

Tensor::Tensor(Shape shape, std::vector<float> values) : node_(std::make_shared<Node>()) {
    if (values.size() != gb::numel(shape))
        throw Error("tensor of shape " + shape_str(shape) + " needs " + std::to_string(gb::numel(shape)) +
                    " values, got " + std::to_string(values.size()));
    node_->data = std::move(values);
    node_->shape = std::move(shape);
}

int Tensor::dim(int i) const {
    int n = ndim();
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw Error("dimension " + std::to_string(i) + " out of range for shape " + shape_str(shape()));
    return node_->shape[size_t(i)];
}

float Tensor::item() const {
    if (numel() != 1) throw Error("item() needs a one-element tensor, got shape " + shape_str(shape()));
    return node_->data[0];
}

Tensor& Tensor::set_requires_grad(bool on) {
    node_->requires_grad = on;
    return *this;
}

Tensor Tensor::detach() const { return Tensor(shape(), values()); }

void Tensor::backward() {
    if (numel() != 1)
        throw Error("backward() without an upstream gradient needs a scalar, got shape " + shape_str(shape()) +
                    "; pass d(loss)/d(output) or reduce to a scalar first");
    backward(std::vector<float>{1.0f});
}

void Tensor::backward(const std::vector<float>& upstream) {
    if (upstream.size() != numel())
        throw Error("backward: upstream gradient has " + std::to_string(upstream.size()) + " values, tensor has " +
                    std::to_string(numel()));
    // Topological order by an iterative depth-first search: a node is emitted
    // after all of its parents, so the reversed list visits every node before
    // the nodes it was computed from.
    std::vector<Node*> order;
    std::unordered_set<Node*> visited;
    std::vector<std::pair<Node*, size_t>> stack{{node(), 0}};
    visited.insert(node());
    while (!stack.empty()) {
        auto& [n, next_parent] = stack.back();
        if (next_parent < n->parents.size()) {
            Node* p = n->parents[next_parent++].get();
            if (visited.insert(p).second) stack.push_back({p, 0});
        } else {
            order.push_back(n);
            stack.pop_back();
        }
    }
    float* g = grad_buffer();
    for (size_t i = 0; i < upstream.size(); ++i) g[i] += upstream[i];
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        if ((*it)->backward && !(*it)->grad.empty()) (*it)->backward(**it);
}

Tensor make_result(const char* op, Shape shape, std::vector<float> values,
                   std::initializer_list<const Tensor*> inputs, std::function<void(Node& self)> backward) {
    Tensor out(std::move(shape), std::move(values));
    Node* n = out.node();
    n->op = op;
    for (const Tensor* in : inputs)
        if (in->requires_grad()) n->parents.push_back(in->node_ptr());
    if (!n->parents.empty()) {
        n->requires_grad = true;
        n->backward = std::move(backward);
    }
    return out;
}

}  // namespace gb

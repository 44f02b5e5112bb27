// tensor.hpp: a float32 tensor with reverse-mode automatic differentiation.
//
// The contract is micrograd's, at tensor level. A Tensor is a handle to a
// Node that holds the values, the shape and, once backward() has reached it,
// the gradient. An op (ops.hpp) computes its output node and, when any input
// requires a gradient, attaches a backward closure that *accumulates* (+=)
// into its inputs' gradients. backward() seeds d(out)/d(out) = 1 and calls
// the closures in reverse topological order, computed iteratively so that a
// long unrolled graph cannot overflow the call stack.
//
// Values are stored contiguously in row-major order; shapes are vectors of
// dimension sizes, () for a scalar.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gb {

using Shape = std::vector<int>;

size_t numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "(64, 784)"

struct Node {
    Shape shape;
    std::vector<float> data;
    std::vector<float> grad;  // empty until a gradient flows here
    bool requires_grad = false;
    const char* op = "leaf";
    std::vector<std::shared_ptr<Node>> parents;  // inputs that require grad
    std::function<void(Node& self)> backward;    // accumulates into parents' grad

    float* grad_buffer();  // the gradient, allocated as zeros on first use
    // The gradient, for a backward pass that writes every element of it.
    // Before any gradient has reached this node, the buffer is new and, unlike
    // grad_buffer(), not zeroed (zeroing costs a pass over memory): `fresh`
    // is then true, and the caller stores 0.0f + v where it would have added v
    // to a zero, the same value (-0 included); or zeroes a block itself just
    // before adding into it, while the block is in cache.
    float* grad_buffer_to_fill(bool& fresh);
    ~Node();               // releases long chains of parents iteratively
};

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(Shape shape, float fill = 0.0f);
    Tensor(Shape shape, std::vector<float> values);
    explicit Tensor(std::shared_ptr<Node> node) : node_(std::move(node)) {}

    static Tensor scalar(float value) { return Tensor(Shape{}, std::vector<float>{value}); }

    bool defined() const { return node_ != nullptr; }
    const Shape& shape() const { return node_->shape; }
    int ndim() const { return int(node_->shape.size()); }
    int dim(int i) const;  // negative i counts from the end
    size_t numel() const { return node_->data.size(); }

    float* data() { return node_->data.data(); }
    const float* data() const { return node_->data.data(); }
    std::vector<float>& values() { return node_->data; }
    const std::vector<float>& values() const { return node_->data; }
    float item() const;  // the value of a one-element tensor

    // Gradient access: grad() is empty before a gradient has reached this node.
    const std::vector<float>& grad() const { return node_->grad; }
    float* grad_buffer() { return node_->grad_buffer(); }
    void zero_grad();  // empties grad(); its buffer goes back to nn/buffers for the next backward pass

    bool requires_grad() const { return node_->requires_grad; }
    Tensor& set_requires_grad(bool on = true);

    // Reverse-mode sweep from this (scalar) tensor: d(this)/d(this) = 1.
    void backward();
    // The same with a given upstream gradient d(L)/d(this), of this tensor's shape.
    void backward(const std::vector<float>& upstream);

    // A new leaf with a copy of the values, cut off from the graph.
    Tensor detach() const;

    Node* node() const { return node_.get(); }
    const std::shared_ptr<Node>& node_ptr() const { return node_; }

private:
    std::shared_ptr<Node> node_;
};

// The output of an op. If any input requires a gradient, the output records
// the inputs as parents and keeps `backward`; otherwise it is a constant and
// the closure is dropped (inference builds no graph).
Tensor make_result(const char* op, Shape shape, std::vector<float> values,
                   std::initializer_list<const Tensor*> inputs,
                   std::function<void(Node& self)> backward);

}  // namespace gb

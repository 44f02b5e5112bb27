#include "training/side_by_side.hpp"

#include <exception>
#include <vector>

#include "nn/parallel.hpp"

namespace gb {

void side_by_side(int n, const std::function<void(int)>& job) {
    std::vector<std::exception_ptr> errors(n > 0 ? size_t(n) : 0);
    parallel_for(n, [&](int k) {
        try {
            job(k);
        } catch (...) {  // a worker thread must not let it escape
            errors[size_t(k)] = std::current_exception();
        }
    });
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace gb

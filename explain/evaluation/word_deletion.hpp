// word_deletion.hpp: the perturbation test for text (Arras et al. 2017, "What
// is relevant in a text document?"). Words are deleted one by one (their id
// becomes the padding id 0, whose embedding is the zero vector) in the order
// an explanation gives, and the accuracy of the documents is tracked:
//   - on documents classified correctly, delete the words most relevant for
//     the true class first: the faster the accuracy falls, the better the
//     explanation found the evidence;
//   - on documents classified wrongly, delete the words least relevant for
//     the true class first (for signed methods: the most negative, the
//     evidence against it): the faster the accuracy rises, the better.
// A random order is the baseline.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace gb {

// The positions of a document's words (ids other than padding), by relevance:
// most relevant first, or least relevant first; ties keep their order.
std::vector<int> word_order(const float* relevance, const float* ids, int length, bool most_relevant_first);

// accuracy[k]: the share of documents classified as their label after the
// first k words of orders[b] are deleted from document b, k = 0..deletions
// (a document runs out of words after its last one). ids: (B, T).
std::vector<double> deletion_curve(Sequential& net, const Tensor& ids, const std::vector<int>& labels,
                                   const std::vector<std::vector<int>>& orders, int deletions);

struct MethodDeletion {
    std::string method;
    std::vector<double> correct;  // accuracy on the correctly classified documents, most relevant deleted first
    std::vector<double> wrong;    // accuracy on the misclassified ones, least relevant deleted first
    int correct_documents = 0, wrong_documents = 0;  // how many documents each curve is over
};
// Every method of the list ("random": a seeded random order) on the
// documents ids (B, T) with their labels; the explanations are for the true class.
std::vector<MethodDeletion> word_deletion(Sequential& net, const Tensor& ids, const std::vector<int>& labels,
                                          const std::vector<std::string>& methods, const ExplainOptions& explain_options,
                                          int deletions, uint64_t seed);

}  // namespace gb

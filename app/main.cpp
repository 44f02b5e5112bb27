// glassbox: train, evaluate and (in later chapters) explain neural networks.
#include <iostream>

#include "app/cli.hpp"
#include "nn/runtime.hpp"

int main(int argc, char** argv) {
    gb::configure_runtime();
    return gb::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}

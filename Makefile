# glassbox: `make` builds everything, `make test` runs the tests, `make demo`
# trains the MLP on MNIST and draws its curves and predictions.

CXX         ?= g++
OPT         ?= -O3 -march=native
BUILD       ?= build
DATA_MIRROR ?= ../shared/data
GLASSBOX_DATA ?= data
export DATA_MIRROR GLASSBOX_DATA

# Every build uses all cores unless told otherwise: `make JOBS=1`, or a -j of
# your own (`make -j1 test`), which wins. The recursive calls below share the
# jobs of the top-level make.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(JOBS)
endif

override CXXFLAGS += -std=c++17 -Wall -Wextra -I. -MMD -MP $(OPT)
LDLIBS := -lboost_iostreams -lboost_filesystem -lboost_system -lpthread

# The library: nn/ (the core, standard library only), datasets/, training/
# (the data sets by name and the training loop), explain/ (with its family
# folders), viz/ and the command line in app/, which the tests call.
LIB_SRC := $(sort $(shell find nn datasets trees training explain viz -name '*.cpp')) $(filter-out app/main.cpp,$(wildcard app/*.cpp))
LIB     := $(BUILD)/libglassbox.a
TUTORIALS := $(patsubst tutorials/%.cpp,$(BUILD)/tutorials/%,$(wildcard tutorials/*.cpp))
TEST_SRC  := $(wildcard tests/*.cpp tests/*/*.cpp tests/*/*/*.cpp)
TEST_BIN  := $(BUILD)/tests/run_tests
GLASSBOX  := $(BUILD)/glassbox

BENCH_BIN := $(BUILD)/bench/explain_speed $(BUILD)/bench/lime_speed $(BUILD)/bench/perturbation_speed $(BUILD)/bench/gemm_speed

all: $(GLASSBOX) $(TUTORIALS) $(BENCH_BIN)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

# $(call precompiled_header,SOURCE,HEADER,OBJECTS): GCC parses SOURCE once
# into HEADER.gch, and each of OBJECTS takes it as its first include
# (-include HEADER). The objects must be built with the flags of the header
# (GCC refuses a precompiled header made with other code-generation flags).
# clang's precompiled headers work differently, so with clang nothing is
# precompiled.
COMPILER_IS_CLANG := $(findstring clang,$(shell $(CXX) --version 2>/dev/null | head -1))
define precompiled_header
ifeq ($(COMPILER_IS_CLANG),)
$(2).gch: $(1)
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(CXXFLAGS) -x c++-header $$< -o $$@
$(3): $(2).gch
$(3): override private CXXFLAGS += -include $(2)
endif
endef

# The standard headers (util/precompiled.hpp says which and why), for every
# file of the library, the command line, the tutorials and the benchmarks
# but those built with flags of their own below. Builds take a quarter less time;
# PRECOMPILE=no compiles the files as they are.
PRECOMPILE ?= yes
ifeq ($(PRECOMPILE),yes)
STD_PCH_USERS := $(filter-out $(BUILD)/nn/gemm_fast.o $(BUILD)/nn/gemm_dots.o $(BUILD)/nn/pool.o $(BUILD)/nn/lstm.o $(BUILD)/nn/optim.o,\
    $(LIB_SRC:%.cpp=$(BUILD)/%.o)) $(BUILD)/app/main.o $(TUTORIALS:%=%.o) $(BENCH_BIN:%=%.o)
$(eval $(call precompiled_header,util/precompiled.hpp,$(BUILD)/precompiled.hpp,$(STD_PCH_USERS)))
endif

# The GEMM's micro-kernel and dot products want full-width AVX-512 registers
# where the CPU has them.
$(BUILD)/nn/gemm_fast.o $(BUILD)/nn/gemm_dots.o: override CXXFLAGS += -mprefer-vector-width=512
# lets GCC vectorize the comparisons of max pooling (nn/pool.cpp) and the
# clamping in the LSTM's exp (nn/lstm.cpp: without it, the gate loop stays
# scalar, "control flow in loop"); no value changes
$(BUILD)/nn/pool.o $(BUILD)/nn/lstm.o: override CXXFLAGS += -fno-trapping-math
# lets GCC vectorize Adam's update (nn/optim.cpp): with errno to set, each
# std::sqrt is a test and a branch to the library's sqrtf, and the loop stays
# scalar; the square root itself is the same correctly rounded instruction
$(BUILD)/nn/optim.o: override CXXFLAGS += -fno-math-errno

$(LIB): $(LIB_SRC:%.cpp=$(BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(GLASSBOX): $(BUILD)/app/main.o $(LIB)
	$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tutorials/%: $(BUILD)/tutorials/%.o $(LIB)
	$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%.o: override CXXFLAGS += -Itests

# The tests build at -O0 (TEST_OPT): they call the library, built at $(OPT),
# and their own code is assertions and small reference loops, which -O3 would
# take twice as long to compile for nothing (-O1: 12 s more of CPU for all the
# test files, for 0.6 s less of running them). Catch2 is one header of 18,000
# lines; with GCC it is parsed once into a precompiled header, which every
# test unit takes as its first include (-include); tests/main.cpp defines the
# runner and includes Catch2 by itself.
#
# The test files of a folder compile together, as one unit: a generated file,
# $(BUILD)/tests/nn/all_tests.cpp for tests/nn, includes them one after the
# other. The code that all of them instantiate (Catch2's assertion templates,
# the library's inline functions) is then compiled once per folder instead of
# once per file: in a fresh parallel build, the 50 test files beside the
# runner took 112 s of compile jobs one by one and 38 s as 11 folder units
# (11 files of tests/nn alone: 14.7 s -> 5.9 s). So the helpers of two test
# files of a folder must have different names. The generated file is rewritten only when the
# folder's list of test files changes.
TEST_OPT     ?= -O0
TEST_FOLDERS := $(sort $(patsubst %/,%,$(dir $(filter-out tests/main.cpp,$(TEST_SRC)))))
TEST_UNITS   := $(TEST_FOLDERS:%=$(BUILD)/%/all_tests.cpp)
TEST_OBJ     := $(TEST_UNITS:.cpp=.o)
CATCH_PCH    := $(BUILD)/tests/catch_header.hpp
$(BUILD)/tests/%.o $(CATCH_PCH).gch: override CXXFLAGS += $(TEST_OPT)
$(eval $(call precompiled_header,tests/catch_header.hpp,$(CATCH_PCH),$(TEST_OBJ)))

$(TEST_UNITS): $(BUILD)/%/all_tests.cpp: FORCE
	@mkdir -p $(dir $@)
	@printf '#include "%s"\n' $(sort $(wildcard $*/*.cpp)) > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(TEST_OBJ): %.o: %.cpp
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(TEST_BIN): $(BUILD)/tests/main.o $(TEST_OBJ) $(LIB)
	$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- set-up -----------------------------------------------------------------
deps:
	@bash scripts/install-deps.sh

data:
	@bash scripts/get-data.sh

# ---- the two commands of the README ----------------------------------------
# Unit tests (no data needed), then a smoke run of the command line and of
# every tutorial on a small slice of MNIST. The benchmarks' programs are not
# built here (`make` or `make bench` builds them).
test: deps
	@$(MAKE) --no-print-directory $(TEST_BIN) $(GLASSBOX) $(TUTORIALS) data
	@bash scripts/test.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory data all
	@mkdir -p runs
	$(GLASSBOX) train --model mlp --data mnist --out runs/mlp.npz --curves runs/mlp_curves.png
	$(GLASSBOX) predict --model runs/mlp.npz --data mnist --png runs/mlp_predictions.png
	$(GLASSBOX) explain --model runs/mlp.npz --index 0 --method gradient-x-input --png runs/mlp_explained.png
	@echo
	@echo "model:       runs/mlp.npz"
	@echo "curves:      runs/mlp_curves.png"
	@echo "predictions: runs/mlp_predictions.png"
	@echo "explanation: runs/mlp_explained.png (gradient x input for test digit 0)"

# Speed against PyTorch on this machine (not a test). The PyTorch side runs
# as bench/torch_setup.py sets it up (OpenBLAS unpinned, every core).
# ZENNIT_SRC: the src/ folder of a Zennit checkout, for bench/lrp_zennit.py.
BENCH_MODELS ?= mlp lenet lstm
ZENNIT_SRC   ?=
bench:
	@bash scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory data $(GLASSBOX) $(BENCH_BIN)
	cd bench && for model in $(BENCH_MODELS); do \
	    GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) /usr/bin/python3 train_epoch.py $(abspath $(BUILD)) $$model || exit 1; \
	done
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) /usr/bin/python3 explain_speed.py $(abspath $(BUILD)) \
	    $(abspath $(BUILD))/bench_lenet.npz
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) ZENNIT_SRC=$(ZENNIT_SRC) /usr/bin/python3 lrp_zennit.py \
	    $(abspath $(BUILD)) $(abspath $(BUILD))/bench_lenet.npz
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) /usr/bin/python3 textcnn_epoch.py $(abspath $(BUILD))
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) /usr/bin/python3 svm_baseline.py
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) bash evaluate_speed.sh $(abspath $(BUILD))
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) bash lime_speed.sh $(abspath $(BUILD))
	cd bench && GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) bash synthesis_speed.sh $(abspath $(BUILD))
	GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) $(BUILD)/bench/perturbation_speed 3
	GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) RUNS=$(abspath $(BUILD))/bench_rules bash bench/rules_mnist.sh $(BUILD)
	@$(MAKE) --no-print-directory $(TUTORIALS)
	GLASSBOX_DATA=$(abspath $(GLASSBOX_DATA)) bash bench/localization_review.sh $(BUILD) $(BUILD)/bench_review/allconv_gap.npz
	bash bench/tutorial_times.sh $(BUILD)

clean:
	rm -rf $(BUILD)

.PHONY: all deps data test demo bench clean FORCE

# Keep object files of the tutorials between builds.
.SECONDARY:

# ---- hardening: sanitizers (in CI) and fuzzers (by hand) --------------------
# `make sanitize` builds the library, the command line and the tests with
# AddressSanitizer and UndefinedBehaviorSanitizer in their own folder, then
# runs the unit tests and a few command-line runs under them
# (tests/hardening/sanitize.sh); any report stops the run with an error.
# Everything there builds at -O1, the tests too, for this CPU (-march=native)
# as `make` does, so that the sanitizers check the kernels that run here (the
# GEMM's register tiles depend on the vector width: 8 x 32 with AVX-512,
# 6 x 16 with AVX2, 4 x 8 without).
SANITIZE_BUILD ?= build-asan
SANITIZE_OPT   := -O1 -g -march=native -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=$(SANITIZE_BUILD) OPT="$(SANITIZE_OPT)" TEST_OPT=-O1 \
	    $(SANITIZE_BUILD)/tests/run_tests $(SANITIZE_BUILD)/glassbox data
	@bash tests/hardening/sanitize.sh $(SANITIZE_BUILD)

# `make fuzz` builds one libFuzzer harness per parser of outside input
# (fuzz/<name>.cpp, see fuzz/README.md) with clang++ in $(FUZZ_BUILD) and runs
# each for FUZZ_SECONDS (or FUZZ_RUNS inputs) from its seed corpus
# fuzz/corpus/<name>/; what it learns goes to $(FUZZ_BUILD)/corpus/<name>/,
# and a crashing input to $(FUZZ_BUILD)/crashes/. Not part of `make test`.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= -1
FUZZERS      := $(sort $(basename $(notdir $(wildcard fuzz/*.cpp))))
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ      = $(patsubst %.cpp,$(FUZZ_BUILD)/%.o,$(sort $(wildcard nn/*.cpp datasets/*.cpp)))

$(FUZZ_BUILD)/fuzz/fuzz-%: $(FUZZ_BUILD)/fuzz/%.o $(FUZZ_OBJ)
	$(CXX) $(CXXFLAGS) -fsanitize=fuzzer $^ -lpthread -o $@

fuzz-build:
	@command -v clang++ > /dev/null || { echo "make fuzz needs clang++ (libFuzzer): apt-get install clang"; exit 1; }
	@$(MAKE) --no-print-directory CXX=clang++ BUILD=$(FUZZ_BUILD) OPT="$(FUZZ_OPT)" \
	    $(FUZZERS:%=$(FUZZ_BUILD)/fuzz/fuzz-%)

fuzz: fuzz-build
	@bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_RUNS) $(FUZZERS)

.PHONY: sanitize fuzz fuzz-build

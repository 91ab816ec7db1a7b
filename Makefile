# iotssf: the two commands a newcomer needs are `make demo` and `make check`;
# both install what is missing from Debian's packages first (as root or with
# sudo), then build.

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 0
JOBS        ?= $(shell nproc)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What the build, the tests and the fuzzers need (Debian package names).
BUILD_PACKAGES := cmake make gcc pkg-config libyaml-dev libjansson-dev libcmocka-dev \
                  libsquashfs-dev libarchive-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev \
                  liblzo2-dev libbz2-dev libssl-dev libcrypt-dev libssh-dev libsqlite3-dev
# Real tools that build the test firmware images, and the fuzzers' compiler.
CHECK_PACKAGES := clang lld libclang-rt-14-dev libxml2-utils squashfs-tools mtd-utils u-boot-tools \
                  cpio tar xz-utils zstd lz4 lzop bzip2 gzip genromfs whois \
                  iproute2 util-linux dropbear-bin vsftpd mosquitto snmpd lighttpd openssl \
                  libcoap3-bin miniupnpd-nftables nmap bc \
                  python3 python3-jsonschema chromium yara sqlite3 nodejs jq \
                  nftables rtsp-server-perl

.PHONY: all deps deps-check deps-demo build demo check test asan fuzz bench clean

all: build

deps:
	@./tools/install-deps.sh $(BUILD_PACKAGES)

deps-check:
	@./tools/install-deps.sh $(BUILD_PACKAGES) $(CHECK_PACKAGES)

# The demo builds the example camera's firmware image from real binaries.
deps-demo:
	@./tools/install-deps.sh $(BUILD_PACKAGES) squashfs-tools u-boot-tools

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOTSSF_WERROR=ON -DIOTSSF_TESTS=ON -DIOTSSF_SANITIZE=OFF -DIOTSSF_FUZZ=OFF >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# The main job: a full assessment of the bundled example camera. Categorize
# the example devices and draw the risk map; build the camera's firmware from
# real Debian mipsel binaries and inspect it (components, known
# vulnerabilities, SBOM); assess the camera's profile against that firmware
# and the maker's answers; render the reports; issue and verify a signed
# certificate; record it in the history; then assess the maker's fixed
# release (2.4.2) and show what changed. Outputs land in build/demo/.
DEMO := $(BUILD)/demo
demo: deps-demo build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BUILD)/iotssf catalog check
	$(BUILD)/iotssf categorize examples/netcam.yaml
	$(BUILD)/iotssf requirements examples/*.yaml --format md -o $(DEMO)/requirements.md
	$(BUILD)/iotssf map examples/*.yaml -o $(DEMO)/map.svg
	examples/build-netcam-firmware.sh $(DEMO)/netcam-fw.bin
	$(BUILD)/iotssf firmware $(DEMO)/netcam-fw.bin
	$(BUILD)/iotssf firmware $(DEMO)/netcam-fw.bin --sbom cyclonedx -o $(DEMO)/sbom.cdx.json
	$(BUILD)/iotssf assess examples/netcam.yaml --firmware $(DEMO)/netcam-fw.bin \
	    --answers examples/answers/netcam.yaml --scheme en303645,jcstar1,iec62443-4-2 \
	    --db $(DEMO)/history.sqlite -o $(DEMO)
	$(BUILD)/iotssf report $(DEMO)/assessment.json --format html -o $(DEMO)/report.html
	$(BUILD)/iotssf report $(DEMO)/assessment.json --format md -o $(DEMO)/report.md
	$(BUILD)/iotssf report $(DEMO)/assessment.json --format sarif -o $(DEMO)/assessment.sarif
	$(BUILD)/iotssf report $(DEMO)/assessment.json --format oscal -o $(DEMO)/assessment-results.oscal.json
	$(BUILD)/iotssf cert keygen -o $(DEMO)/lab.key --pub $(DEMO)/lab.pub
	$(BUILD)/iotssf cert issue $(DEMO)/assessment.json --key $(DEMO)/lab.key \
	    --issuer "Example Inspection Lab" -o $(DEMO)/cert.json
	$(BUILD)/iotssf cert verify $(DEMO)/cert.json --pubkey $(DEMO)/lab.pub --firmware $(DEMO)/netcam-fw.bin
	$(BUILD)/iotssf history record $(DEMO)/assessment.json --cert $(DEMO)/cert.json --db $(DEMO)/history.sqlite
	examples/build-netcam-firmware.sh $(DEMO)/netcam-fw-2.4.2.bin --fixed
	$(BUILD)/iotssf assess examples/netcam.yaml --firmware $(DEMO)/netcam-fw-2.4.2.bin \
	    --firmware-version 2.4.2 --answers examples/answers/netcam.yaml \
	    --db $(DEMO)/history.sqlite -o $(DEMO)/2.4.2
	$(BUILD)/iotssf history NC-200 --db $(DEMO)/history.sqlite
	@echo "demo outputs in $(DEMO): report.html (open it), report.md, assessment.json, assessment.sarif,"
	@echo "  assessment-results.oscal.json, sbom.cdx.json, cert.json, history.sqlite, map.svg, requirements.md,"
	@echo "  2.4.2/assessment.json (the fixed release)"

# Everything: warnings as errors, the unit tests and CLI cases, the same
# suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and every
# fuzz target over its corpus. New fuzzing (`make fuzz FUZZ_SECONDS=60`) is
# run deliberately, and what it finds is fixed and added to the corpus, so
# that the check stays deterministic.
check: deps-check build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	$(MAKE) asan
	$(MAKE) fuzz

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIOTSSF_WERROR=ON -DIOTSSF_SANITIZE=ON -DIOTSSF_TESTS=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS)

fuzz:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIOTSSF_WERROR=ON -DIOTSSF_FUZZ=ON -DIOTSSF_SANITIZE=ON -DIOTSSF_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	fuzz/run_corpus.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	bench/categorize.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

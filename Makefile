# TorRelay — build, test and demo. Needs the .NET 10 SDK; installs Debian's tor when missing (as root).
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

.PHONY: all build run test unit-test interop-test deps clean

all: build

# Debian packages the relay and its tests use: C tor (the judge), libsodium (ed25519 with C tor's expanded keys).
deps:
	@./deploy/ensure-deps.sh

build:
	$(DOTNET) publish src/TorRelay.Host/TorRelay.Host.csproj -c $(CONFIG) -o bin --nologo -v quiet
	@echo "built bin/torrelay"

# A private Tor network of Debian's tor on 127.0.0.1 with our relay inside; Ctrl-C stops everything.
run: deps build
	$(DOTNET) run --project tests/TorRelay.TestNet/TorRelay.TestNet.csproj -c $(CONFIG) -- --relay-binary $(CURDIR)/bin/torrelay

test: deps build
	$(DOTNET) test TorRelay.sln -c $(CONFIG) --nologo

clean:
	rm -rf bin artifacts

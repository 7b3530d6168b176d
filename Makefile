# TorRelay — build, test and demo. Needs the .NET 10 SDK; installs Debian's tor when missing (as root).
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

.PHONY: all build run test unit-test interop-test deps clean install

all: build

# Debian packages the relay and its tests use: C tor (the judge), libsodium (ed25519 with C tor's expanded keys).
deps:
	@./deploy/ensure-deps.sh

# NativeAOT when a C toolchain is here to link it (clang or gcc, and objcopy; `make deps` installs clang as root): one
# native file that needs no .NET runtime, ~30 MiB RSS idle instead of ~80. AOT=0, or no toolchain: the JIT build.
AOT ?= $(shell { command -v clang || command -v gcc; } >/dev/null 2>&1 && command -v objcopy >/dev/null 2>&1 \
	&& echo 1 || echo 0)
PUBLISH = $(DOTNET) publish src/TorRelay.Host/TorRelay.Host.csproj -c $(CONFIG) -o bin --nologo -v quiet

build:
	rm -rf bin
	@if [ "$(AOT)" = 1 ]; then \
		echo "$(PUBLISH) -p:PublishAot=true -p:UseCurrentRuntimeIdentifier=true"; \
		$(PUBLISH) -p:PublishAot=true -p:UseCurrentRuntimeIdentifier=true && rm -f bin/*.pdb && \
		echo "built bin/torrelay (NativeAOT; its symbols are in bin/torrelay.dbg)"; \
	else \
		echo "$(PUBLISH)"; $(PUBLISH) && \
		echo "built bin/torrelay (JIT build: runs on the .NET 10 runtime)"; \
	fi

# A private Tor network of Debian's tor on 127.0.0.1 with our relay inside; Ctrl-C stops everything.
run: deps build
	$(DOTNET) run --project tests/TorRelay.TestNet/TorRelay.TestNet.csproj -c $(CONFIG) -- --relay-binary $(CURDIR)/bin/torrelay

# Results go to artifacts/test-results as .trx; on failure the last lines of the log name each failed test and why.
test: deps build
	rm -rf artifacts/test-results
	$(DOTNET) test TorRelay.sln -c $(CONFIG) --nologo --logger trx --results-directory artifacts/test-results \
		|| { ./tests/report-failures.sh artifacts/test-results; exit 1; }

clean:
	rm -rf bin artifacts

# install: bin/ (from "make build") to $(PREFIX)/lib/torrelay with a $(PREFIX)/bin/torrelay link, the systemd units
# to $(UNITDIR), relay.conf.example to $(SYSCONFDIR)/torrelay/torrc unless one exists. DESTDIR stages the tree; only
# a root install to the live system (empty DESTDIR) creates the $(TORRELAY_USER) system user and /var/lib/torrelay.
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
TORRELAY_USER ?= _torrelay
TORRELAY_LIBDIR = $(DESTDIR)$(PREFIX)/lib/torrelay

install:
	@test -x bin/torrelay || { echo "bin/torrelay is missing: run 'make build' first" >&2; exit 1; }
	rm -rf "$(TORRELAY_LIBDIR)"
	install -d -m 0755 "$(TORRELAY_LIBDIR)" "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(UNITDIR)" \
		"$(DESTDIR)$(SYSCONFDIR)/torrelay/instances"
	cp -R bin/. "$(TORRELAY_LIBDIR)/"
	chmod -R u=rwX,go=rX "$(TORRELAY_LIBDIR)"
	ln -sfn ../lib/torrelay/torrelay "$(DESTDIR)$(PREFIX)/bin/torrelay"
	for unit in torrelay.service torrelay@.service; do \
		sed -e 's|/usr/local/bin/torrelay|$(PREFIX)/bin/torrelay|g' -e 's|/etc/torrelay/|$(SYSCONFDIR)/torrelay/|g' \
			-e 's|^User=_torrelay|User=$(TORRELAY_USER)|' -e 's|^Group=_torrelay|Group=$(TORRELAY_USER)|' \
			"deploy/$$unit" > "$(DESTDIR)$(UNITDIR)/$$unit" && chmod 0644 "$(DESTDIR)$(UNITDIR)/$$unit" || exit 1; \
	done
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/torrelay/torrc" ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/torrelay/torrc"; \
	else \
		install -m 0644 relay.conf.example "$(DESTDIR)$(SYSCONFDIR)/torrelay/torrc" && \
		echo "installed $(DESTDIR)$(SYSCONFDIR)/torrelay/torrc: edit it, then 'systemctl enable --now torrelay'"; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ]; then \
		if ! id -u "$(TORRELAY_USER)" >/dev/null 2>&1; then \
			useradd --system --user-group --home-dir /var/lib/torrelay --no-create-home \
				--shell /usr/sbin/nologin --comment "torrelay Tor relay" "$(TORRELAY_USER)" || exit 1; \
			echo "created system user $(TORRELAY_USER)"; \
		fi; \
		install -d -m 0700 -o "$(TORRELAY_USER)" -g "$(TORRELAY_USER)" /var/lib/torrelay || exit 1; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi
	@echo "installed torrelay to $(DESTDIR)$(PREFIX)"

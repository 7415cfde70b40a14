# personad: build and install.
#   make                 release build of personad and personactl (Swift stdlib linked statically)
#   make install         installs under $(DESTDIR)$(PREFIX): binaries, system and user units, the
#                        sysusers.d file, man pages, shell completions, the example configuration;
#                        then, as root: systemd-sysusers && systemctl daemon-reload
#   make check-install   make install into a temporary DESTDIR and check every file (Scripts/check-install)
# Variables: PREFIX (default /usr/local), DESTDIR, SYSCONFDIR (default /etc), UNITDIR, USERUNITDIR.
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/personad
UNITDIR ?= $(PREFIX)/lib/systemd/system
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHDIR ?= $(PREFIX)/share/fish/vendor_completions.d

# A build folder of its own: a static build must not replace the demo's and the tests' builds.
SCRATCH ?= .build-install
SWIFT_BUILD = swift build -c release --static-swift-stdlib --scratch-path $(SCRATCH)
BIN = $(SCRATCH)/release
GENERATED = $(SCRATCH)/generated

.PHONY: all build man completions install uninstall check-install clean
all: build

build:
	$(SWIFT_BUILD) --product personad
	$(SWIFT_BUILD) --product personactl

# Man pages of the two commands from their ArgumentParser definitions; personad.toml(5) is written by hand.
man: build
	swift build -c release --scratch-path $(SCRATCH) --product generate-manual
	mkdir -p $(GENERATED)/man
	$(BIN)/generate-manual $(BIN)/personactl --section 1 --output-directory $(GENERATED)/man
	$(BIN)/generate-manual $(BIN)/personad --section 8 --output-directory $(GENERATED)/man

completions: build
	mkdir -p $(GENERATED)/completions
	$(BIN)/personactl --generate-completion-script bash > $(GENERATED)/completions/personactl.bash
	$(BIN)/personactl --generate-completion-script zsh > $(GENERATED)/completions/_personactl
	$(BIN)/personactl --generate-completion-script fish > $(GENERATED)/completions/personactl.fish
	$(BIN)/personad --generate-completion-script bash > $(GENERATED)/completions/personad.bash

install: build man completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 0755 $(BIN)/personad $(BIN)/personactl $(DESTDIR)$(BINDIR)/
	install -m 0644 $(GENERATED)/man/personactl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(GENERATED)/man/personad.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 Docs/man/personad.toml.5 $(DESTDIR)$(MANDIR)/man5/
	sed -e 's|/usr/local/bin/personad|$(BINDIR)/personad|' -e 's|/etc/personad/|$(SYSCONFDIR)/personad/|g' \
		systemd/personad.service > $(DESTDIR)$(UNITDIR)/personad.service
	sed -e 's|@BINDIR@|$(BINDIR)|' systemd/user/personad.service > $(DESTDIR)$(USERUNITDIR)/personad.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/personad.service $(DESTDIR)$(USERUNITDIR)/personad.service
	install -m 0644 systemd/sysusers.d/personad.conf $(DESTDIR)$(SYSUSERSDIR)/personad.conf
	install -m 0644 Config/personad.example.toml README.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(GENERATED)/completions/personactl.bash $(DESTDIR)$(BASHDIR)/personactl
	install -m 0644 $(GENERATED)/completions/personad.bash $(DESTDIR)$(BASHDIR)/personad
	install -m 0644 $(GENERATED)/completions/_personactl $(DESTDIR)$(ZSHDIR)/_personactl
	install -m 0644 $(GENERATED)/completions/personactl.fish $(DESTDIR)$(FISHDIR)/personactl.fish
	@# The configuration directory, never a configuration: an existing one is the operator's.
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/personad $(DESTDIR)$(SYSCONFDIR)/personad/conf.d
	install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/personad/credentials

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/personad $(DESTDIR)$(BINDIR)/personactl \
		$(DESTDIR)$(MANDIR)/man1/personactl.1 $(DESTDIR)$(MANDIR)/man8/personad.8 $(DESTDIR)$(MANDIR)/man5/personad.toml.5 \
		$(DESTDIR)$(UNITDIR)/personad.service $(DESTDIR)$(USERUNITDIR)/personad.service $(DESTDIR)$(SYSUSERSDIR)/personad.conf \
		$(DESTDIR)$(BASHDIR)/personactl $(DESTDIR)$(BASHDIR)/personad $(DESTDIR)$(ZSHDIR)/_personactl $(DESTDIR)$(FISHDIR)/personactl.fish
	rm -rf $(DESTDIR)$(DOCDIR)

check-install:
	Scripts/check-install

clean:
	rm -rf $(SCRATCH)

# Editor integrations (tests/clients/README.md): the VS Code package and the
# tests that drive real clients. Included by the top-level Makefile.
#
#   make vsix           editors/vscode/hybridls-VERSION.vsix, with @vscode/vsce (offline)
#   make test-clients   tests/clients/run.sh against $(OUT)/hybridls

VSCODE_DIR := editors/vscode
VSCODE_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(VSCODE_DIR)/package.json)
VSIX := $(VSCODE_DIR)/hybridls-$(VSCODE_VERSION).vsix
VSCODE_SRC := $(VSCODE_DIR)/package.json $(VSCODE_DIR)/extension.js $(wildcard $(VSCODE_DIR)/lib/*.js) \
              $(VSCODE_DIR)/README.md $(VSCODE_DIR)/.vscodeignore

.PHONY: vsix test-clients

# The pinned packages of package-lock.json; npm ci rewrites the stamp.
$(VSCODE_DIR)/node_modules/.package-lock.json: $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && npm ci --no-audit --no-fund --loglevel=error

tests/clients/node_modules/.package-lock.json: tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error

vsix: $(VSIX)

# vsce bundles the production dependencies (vscode-languageclient and what
# it needs) from node_modules and talks to no server (npm offline).
$(VSIX): $(VSCODE_DIR)/node_modules/.package-lock.json $(VSCODE_SRC)
	cd $(VSCODE_DIR) && npm_config_offline=true ./node_modules/.bin/vsce package --no-yarn --skip-license \
	  --out $(notdir $@) </dev/null

test-clients: $(OUT)/hybridls
	sh tests/clients/run.sh $(OUT)/hybridls

// The schemagate extension: starts `schemagate lsp` for the languages
// migrations are written in. The server decides per file whether it is
// a migration, so every file of these languages goes to it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const languages = ["sql", "ruby", "python", "typescript", "javascript", "go"];

let client;

// settings are what the server reads (docs/editors.md, Settings).
function settings() {
  const cfg = vscode.workspace.getConfiguration("schemagate");
  const out = { debounce: cfg.get("debounce"), check: cfg.get("check") };
  if (cfg.get("config")) {
    out.config = cfg.get("config");
  }
  return out;
}

function activate(context) {
  const command = vscode.workspace.getConfiguration("schemagate").get("path") || "schemagate";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: languages.map((language) => ({ scheme: "file", language })),
    initializationOptions: { schemagate: settings() },
    // Changed settings are sent as workspace/didChangeConfiguration,
    // under the "schemagate" key.
    synchronize: { configurationSection: "schemagate" },
  };
  client = new LanguageClient("schemagate", "schemagate", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

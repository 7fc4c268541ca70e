// The stackgate extension starts `stackgate lsp` and hands it CloudFormation
// templates (YAML/JSON; the server recognises templates by content) and
// Terraform files. Findings, hovers and quick fixes come from the server.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const cfg = vscode.workspace.getConfiguration("stackgate");
  const command = cfg.get<string>("path") || "stackgate";
  const args = ["lsp"];
  const config = cfg.get<string>("config");
  if (config) {
    args.push("--config", config);
  }
  const env = cfg.get<string>("environment");
  if (env) {
    args.push("--env", env);
  }
  return { command, args, transport: TransportKind.stdio };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      { scheme: "file", language: "terraform" },
      { scheme: "file", language: "terraform-vars" },
      { scheme: "file", language: "hcl" },
      { scheme: "file", pattern: "**/*.{tf,tfvars,tf.json,template}" },
    ],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/stackgate.yaml"),
        vscode.workspace.createFileSystemWatcher("**/*.rego"),
      ],
    },
  };
  client = new LanguageClient("stackgate", "stackgate", serverOptions(), clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("stackgate.path") || e.affectsConfiguration("stackgate.config") || e.affectsConfiguration("stackgate.environment")) {
        if (client) {
          await client.stop();
        }
        await start(context);
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}

import * as vscode from 'vscode';

import { registerGeneratorCommands } from './generators';
import { onDidChangePythonInterpreter } from './interpreter';
import { ServerController } from './server';

// Settings that the running server cannot pick up: the server reads the rest
// again through workspace/configuration when the client reports a change.
const RESTART_SETTINGS = ['steward.interpreter'];

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const log = vscode.window.createOutputChannel('Steward', { log: true });
    const traceChannel = vscode.window.createOutputChannel('Steward Trace', { log: true });
    controller = new ServerController(log, traceChannel, context.extensionPath);
    const server = controller;
    context.subscriptions.push(log, traceChannel, server);

    context.subscriptions.push(
        vscode.commands.registerCommand('steward.restartServer', () =>
            server.restart('restart requested from the command palette'),
        ),
        vscode.commands.registerCommand('steward.showServerLog', () => log.show()),
        ...registerGeneratorCommands(server),
        vscode.workspace.onDidChangeConfiguration((event) => {
            const changed = RESTART_SETTINGS.find((key) => event.affectsConfiguration(key));
            if (changed) {
                void server.restart(`${changed} changed`);
            }
        }),
    );

    const pythonListener = await onDidChangePythonInterpreter(() => {
        const configured = vscode.workspace.getConfiguration('steward').get<string>('interpreter');
        if (!configured) {
            void server.restart('the Python extension selected another interpreter');
        }
    });
    if (pythonListener) {
        context.subscriptions.push(pythonListener);
    }

    await server.restart('extension activated');
}

export async function deactivate(): Promise<void> {
    await controller?.stop();
    controller = undefined;
}

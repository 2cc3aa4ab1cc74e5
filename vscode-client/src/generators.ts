import * as vscode from 'vscode';

import { ServerController } from './server';

/** A palette command that runs one of the server's generator commands. */
interface GeneratorCommand {
    /** The palette command id, declared in package.json. */
    id: string;
    /** The server's workspace/executeCommand id. */
    serverCommand: string;
    /** Ask for the options the command needs; undefined cancels it. */
    options?: () => Promise<object | undefined>;
}

const GENERATOR_COMMANDS: GeneratorCommand[] = [
    { id: 'steward.generate.modelState', serverCommand: 'steward.modelState' },
    {
        id: 'steward.generate.authorMigration',
        serverCommand: 'steward.authorMigration',
        options: askMigrationMessage,
    },
    { id: 'steward.generate.optimizeDb', serverCommand: 'steward.optimizeDb' },
    { id: 'steward.generate.documentState', serverCommand: 'steward.documentState' },
    { id: 'steward.generate.verifyMigrations', serverCommand: 'steward.verifyMigrations' },
    { id: 'steward.generate.mergeHeads', serverCommand: 'steward.mergeHeads' },
];

/** The part of a generator command's result the client uses. */
interface GeneratorResult {
    written?: string[];
    unchanged?: string[];
    error?: string;
}

async function askMigrationMessage(): Promise<object | undefined> {
    const message = await vscode.window.showInputBox({
        title: 'Steward: Author Migration',
        prompt: 'Message of the new revision',
        placeHolder: 'add anchors.network',
        validateInput: (value) => (value.trim() ? undefined : 'Enter a message'),
    });
    return message === undefined ? undefined : { message: message.trim() };
}

/**
 * Return the options of a server command with what the user must choose
 * added: the message of a new revision when none was given. Undefined when
 * the user cancels.
 */
export async function completeOptions(command: string, options: unknown): Promise<object | undefined> {
    const given = typeof options === 'object' && options !== null ? options : {};
    const generator = GENERATOR_COMMANDS.find((entry) => entry.serverCommand === command);
    if (!generator?.options || 'message' in given) {
        return given;
    }
    const asked = await generator.options();
    return asked === undefined ? undefined : { ...given, ...asked };
}

/** Register the palette commands of the generators. */
export function registerGeneratorCommands(server: ServerController): vscode.Disposable[] {
    return GENERATOR_COMMANDS.map((command) =>
        vscode.commands.registerCommand(command.id, () => runGenerator(server, command)),
    );
}

async function runGenerator(server: ServerController, command: GeneratorCommand): Promise<void> {
    const options = command.options ? await command.options() : {};
    if (options === undefined) {
        return;
    }
    const uri = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const result = (await server.executeServerCommand(command.serverCommand, {
        ...options,
        ...(uri ? { uri: uri.toString() } : {}),
    })) as GeneratorResult | undefined;
    // The server shows its own message on success and on error. A rerun
    // that changes nothing still opens the file it would have written.
    const first = result?.written?.[0] ?? result?.unchanged?.[0];
    if (first) {
        await vscode.window.showTextDocument(vscode.Uri.parse(first), { preview: false });
    }
}

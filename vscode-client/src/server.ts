import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    TransportKind,
} from 'vscode-languageclient/node';

import { completeOptions } from './generators';
import { Interpreter, resolveInterpreter, runPython, stewardVersion } from './interpreter';

const CLIENT_ID = 'steward';
const CLIENT_NAME = 'Steward';
const PIP_INSTALL_TIMEOUT_MS = 300_000;
const INSTALL = 'Install steward-lsp';
const CHOOSE_INTERPRETER = 'Choose Interpreter';

/** Starts, stops and restarts the steward language server. */
export class ServerController implements vscode.Disposable {
    private client: LanguageClient | undefined;
    // Serializes start and stop, so a burst of setting changes cannot start
    // two servers at once.
    private pending: Promise<void> = Promise.resolve();
    private readonly watcher = vscode.workspace.createFileSystemWatcher(
        '**/{*.py,alembic.ini,pyproject.toml}',
    );

    constructor(
        private readonly log: vscode.LogOutputChannel,
        private readonly traceChannel: vscode.LogOutputChannel,
        private readonly extensionPath: string,
    ) {}

    /** Start the server, or restart it when it runs. */
    restart(reason: string): Promise<void> {
        this.pending = this.pending.then(async () => {
            this.log.info(`Starting the server: ${reason}`);
            await this.stopClient();
            await this.startClient();
        });
        return this.pending;
    }

    stop(): Promise<void> {
        this.pending = this.pending.then(() => this.stopClient());
        return this.pending;
    }

    /**
     * Run one of the server's commands with `options` as its argument, and
     * return its result; undefined when the server is not running.
     */
    async executeServerCommand(command: string, options: object): Promise<unknown> {
        await this.pending;
        const client = this.client;
        if (!client || !client.isRunning()) {
            void vscode.window.showErrorMessage(
                'Steward: the language server is not running; run "Steward: Restart Server".',
            );
            return undefined;
        }
        return client.sendRequest(ExecuteCommandRequest.type, {
            command,
            arguments: [options],
        });
    }

    dispose(): void {
        void this.stop();
        this.watcher.dispose();
    }

    private async startClient(): Promise<void> {
        const interpreter = await resolveInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri);
        this.log.info(`Interpreter: ${interpreter.path} (from ${interpreter.source})`);

        if (!(await this.ensureStewardInstalled(interpreter))) {
            return;
        }

        const client = new LanguageClient(
            CLIENT_ID,
            CLIENT_NAME,
            serverOptions(interpreter),
            clientOptions(this.log, this.traceChannel, this.watcher),
        );
        this.client = client;
        try {
            await client.start();
        } catch (error) {
            this.log.error(`The server failed to start: ${String(error)}`);
            void vscode.window.showErrorMessage(
                `Steward: the language server failed to start with ${interpreter.path}. ` +
                    'See the "Steward" output for details.',
            );
        }
    }

    private async stopClient(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (!client) {
            return;
        }

        try {
            await client.stop();
        } catch (error) {
            this.log.warn(`Stopping the server failed: ${String(error)}`);
        }
    }

    /**
     * Check that `steward_lsp` imports in the interpreter, and offer to
     * install the wheel bundled with the extension when it does not. Returns
     * whether it imports now.
     */
    private async ensureStewardInstalled(interpreter: Interpreter): Promise<boolean> {
        const version = await stewardVersion(interpreter.path, serverFolder());
        if (version) {
            this.log.info(`steward_lsp ${version} found in ${interpreter.path}`);
            return true;
        }

        this.log.warn(`steward_lsp is not importable in ${interpreter.path}`);
        const wheel = bundledWheel(this.extensionPath);
        const choice = await vscode.window.showWarningMessage(
            `Steward: the Python package steward-lsp is not installed in ${interpreter.path}. ` +
                (wheel
                    ? `"${INSTALL}" runs pip to install ${path.basename(wheel)}, which comes ` +
                      'with the extension. pip fetches its dependencies from PyPI.'
                    : 'Install it from a clone of the steward-lsp repository ' +
                      '(pip install /path/to/steward-lsp).'),
            ...(wheel ? [INSTALL, CHOOSE_INTERPRETER] : [CHOOSE_INTERPRETER]),
        );
        if (choice === CHOOSE_INTERPRETER) {
            await openInterpreterSetting();
            return false;
        }
        if (choice !== INSTALL || !wheel) {
            return false;
        }

        return this.pipInstall(interpreter, wheel);
    }

    private async pipInstall(interpreter: Interpreter, wheel: string): Promise<boolean> {
        const args = ['-m', 'pip', 'install', '--disable-pip-version-check', wheel];
        this.log.info(`Running ${interpreter.path} ${args.join(' ')}`);
        try {
            const output = await vscode.window.withProgress(
                { location: vscode.ProgressLocation.Notification, title: 'Installing steward-lsp' },
                () => runPython(interpreter.path, args, PIP_INSTALL_TIMEOUT_MS, serverFolder()),
            );
            this.log.info(output.stdout);
            if (output.stderr) {
                this.log.warn(output.stderr);
            }
        } catch (error) {
            const message = String(error);
            this.log.error(message);
            this.log.show(true);
            if (message.includes('externally-managed-environment')) {
                // PEP 668: the distribution's Python rejects pip installs.
                const choice = await vscode.window.showErrorMessage(
                    `Steward: ${interpreter.path} is a system Python that rejects pip installs ` +
                        '(externally-managed-environment). Create a virtual environment ' +
                        '(python3 -m venv .venv) and set steward.interpreter to its python ' +
                        '(.venv/bin/python).',
                    CHOOSE_INTERPRETER,
                );
                if (choice === CHOOSE_INTERPRETER) {
                    await openInterpreterSetting();
                }
                return false;
            }
            void vscode.window.showErrorMessage(
                `Steward: pip could not install ${path.basename(wheel)} into ` +
                    `${interpreter.path}. See the "Steward" output for details.`,
            );
            return false;
        }

        const installed = await stewardVersion(interpreter.path, serverFolder());
        if (!installed) {
            this.log.error(`pip succeeded, but steward_lsp still does not import in ${interpreter.path}`);
            this.log.show(true);
            return false;
        }
        this.log.info(`steward_lsp ${installed} installed in ${interpreter.path}; starting the server`);
        return true;
    }
}

/**
 * Return the path of the steward-lsp wheel that `npm run package` put into
 * the extension's bundled/ folder, or undefined when there is none (an
 * extension run from its source folder without packaging).
 */
function bundledWheel(extensionPath: string): string | undefined {
    const folder = path.join(extensionPath, 'bundled');
    let names: string[];
    try {
        names = fs.readdirSync(folder);
    } catch {
        return undefined;
    }
    const wheel = names.find((name) => name.startsWith('steward_lsp-') && name.endsWith('.whl'));
    return wheel && path.join(folder, wheel);
}

async function openInterpreterSetting(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'steward.interpreter');
}

/**
 * Return the folder the server runs in: the first workspace folder. The
 * import check runs there too, so it sees the modules the server will see.
 */
function serverFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function serverOptions(interpreter: Interpreter): ServerOptions {
    const cwd = serverFolder();
    // NOTE: with the stdio transport the client appends --stdio to the
    // arguments; `steward serve` accepts and ignores it.
    return {
        command: interpreter.path,
        args: ['-m', 'steward_lsp', 'serve'],
        transport: TransportKind.stdio,
        options: { cwd },
    };
}

function clientOptions(
    log: vscode.LogOutputChannel,
    traceChannel: vscode.LogOutputChannel,
    watcher: vscode.FileSystemWatcher,
): LanguageClientOptions {
    return {
        documentSelector: [{ scheme: 'file', language: 'python' }],
        outputChannel: log,
        traceOutputChannel: traceChannel,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        synchronize: {
            configurationSection: CLIENT_ID,
            fileEvents: watcher,
        },
        middleware: {
            // A code lens or code action may run a generator without the
            // options it needs from the user; ask for them here.
            executeCommand: async (command, args, next) => {
                const options = await completeOptions(command, args[0]);
                return options === undefined ? undefined : next(command, [options]);
            },
        },
    };
}

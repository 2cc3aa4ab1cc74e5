import { execFile } from 'node:child_process';
import * as vscode from 'vscode';

/** The part of the ms-python.python extension API that this extension reads. */
interface PythonEnvironmentPath {
    readonly id: string;
    readonly path: string;
}

interface ResolvedPythonEnvironment {
    readonly executable: { readonly uri?: vscode.Uri };
}

interface PythonExtensionApi {
    readonly environments: {
        getActiveEnvironmentPath(resource?: vscode.Uri): PythonEnvironmentPath;
        resolveEnvironment(
            environment: PythonEnvironmentPath | string,
        ): Promise<ResolvedPythonEnvironment | undefined>;
        readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
    };
}

const PYTHON_EXTENSION_ID = 'ms-python.python';
const FALLBACK_INTERPRETER = 'python3';

/** Origin of the interpreter that runs the server, shown in the log. */
export type InterpreterSource = 'setting' | 'python extension' | 'default';

export interface Interpreter {
    readonly path: string;
    readonly source: InterpreterSource;
}

/**
 * Choose the interpreter that runs the server: the `steward.interpreter`
 * setting, else the Python extension's active interpreter, else `python3`.
 */
export async function resolveInterpreter(resource?: vscode.Uri): Promise<Interpreter> {
    const configured = vscode.workspace
        .getConfiguration('steward', resource)
        .get<string>('interpreter', '')
        .trim();
    if (configured) {
        return { path: configured, source: 'setting' };
    }

    const fromExtension = await activePythonExtensionInterpreter(resource);
    if (fromExtension) {
        return { path: fromExtension, source: 'python extension' };
    }

    return { path: FALLBACK_INTERPRETER, source: 'default' };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!extension) {
        return undefined;
    }

    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments ? api : undefined;
}

async function activePythonExtensionInterpreter(
    resource?: vscode.Uri,
): Promise<string | undefined> {
    const api = await pythonExtensionApi();
    if (!api) {
        return undefined;
    }

    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
}

/**
 * Call `listener` whenever the Python extension's active interpreter changes.
 * Returns undefined when the Python extension is not installed.
 */
export async function onDidChangePythonInterpreter(
    listener: () => void,
): Promise<vscode.Disposable | undefined> {
    const api = await pythonExtensionApi();
    return api?.environments.onDidChangeActiveEnvironmentPath(listener);
}

/** Standard output and standard error of a finished Python process. */
export interface PythonOutput {
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Run `python` with `args` in the folder `cwd`, or in the extension host's
 * folder when `cwd` is undefined. Resolve with its output. When it fails,
 * reject with an error whose message contains its standard error.
 */
export function runPython(
    python: string,
    args: string[],
    timeoutMs: number,
    cwd?: string,
): Promise<PythonOutput> {
    return new Promise((resolve, reject) => {
        execFile(python, args, { timeout: timeoutMs, cwd }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`${python} ${args.join(' ')} failed: ${stderr || error.message}`));
                return;
            }
            resolve({ stdout, stderr });
        });
    });
}

/**
 * Return the steward_lsp version that `python` imports in the folder `cwd`,
 * or undefined. `python -c` imports from the current folder first.
 */
export async function stewardVersion(
    python: string,
    cwd?: string,
): Promise<string | undefined> {
    try {
        const output = await runPython(
            python,
            ['-c', 'import steward_lsp; print(steward_lsp.__version__)'],
            20_000,
            cwd,
        );
        return output.stdout.trim();
    } catch {
        return undefined;
    }
}

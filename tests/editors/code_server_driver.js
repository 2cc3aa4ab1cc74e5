// Drives code-server in headless Debian Chromium through steward's editor
// flow: open a file, wait for the diagnostics in the editor and the Problems
// panel, apply the "Ignore CODE on this line" quick fix and wait until its
// diagnostic is gone. Then run a generator from the command palette and wait
// for the file it writes, and save the model file after an edit so that
// editor.codeActionsOnSave applies "fix all" and an STW201/STW202 finding
// goes away.
//
// Run from test_code_server.py; environment:
//   STEWARD_URL         code-server URL with ?folder=<workspace>
//   STEWARD_WORKSPACE   the workspace folder itself
//   STEWARD_FILE        workspace-relative path of the file to open
//   STEWARD_SCREENSHOTS folder for one PNG per step
//   STEWARD_RESULT      path of the JSON result file
//   CHROMIUM            browser executable (default /usr/bin/chromium)
//   STEWARD_SCENARIO    "install-offer" for the install offer's steps below,
//                       unset for the editor flow above
//
// The install-offer scenario opens a workspace whose steward.interpreter has
// no steward_lsp, clicks "Install steward-lsp" in the extension's warning and
// waits for steward's diagnostics in the model file, which appear only once
// the bundled wheel is installed and the server has started.
// Every step is written to the result file and the Python test asserts on it,
// so this script exits non-zero only when a step could not run at all.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const STEP_TIMEOUT_MS = 60_000;
const LIGHT_BULB_ATTEMPTS = 3;
// pip installs the wheel before the server starts.
const INSTALL_TIMEOUT_MS = 180_000;
const INSTALL_BUTTON = 'Install steward-lsp';
const POLL_MS = 100;
const GENERATOR_TITLE = 'Steward: Write Data Model Diagram and Integrity Notes';
const GENERATED_FILE = 'docs/data-model.mmd';
const INDEX_CODES = ['STW201', 'STW202'];
const MAX_SAVES = 2;
const BROWSER_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
];

const result = { steps: [], consoleErrors: [] };
const started = Date.now();

function writeResult() {
    result.totalMs = Date.now() - started;
    fs.writeFileSync(process.env.STEWARD_RESULT, JSON.stringify(result, null, 2));
}

async function step(page, name, data = {}) {
    const screenshot = path.join(process.env.STEWARD_SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: screenshot });
    result.steps.push({ name, atMs: Date.now() - started, screenshot, ...data });
    writeResult();
}

/** Return the text of each row of the Problems panel, whitespace collapsed. */
async function problemRows(page) {
    return page.$$eval('.markers-panel .monaco-list-row', (rows) =>
        rows.map((row) => row.innerText.replace(/\s+/g, ' ').trim()),
    );
}

/** Return the total on the Problems tab, read from its accessible label. */
async function problemTotal(page) {
    const label = await page.getAttribute(
        '.part.panel .composite-bar .action-label[aria-label^="Problems"]',
        'aria-label',
    );
    const match = /Total (\d+) Problem/.exec(label || '');
    return match ? Number(match[1]) : 0;
}

// A marker row ends with "steward STW201 [Ln 12, Col 5]"; lines are 1-based.
const MARKER = /steward\W*(STW\d+)\W*\[Ln (\d+), Col (\d+)\]/;

function parseMarker(text, row) {
    const match = MARKER.exec(text);
    return match && { code: match[1], line: Number(match[2]), column: Number(match[3]), row };
}

/** Wait until ``predicate`` returns true, polling in Node (not in the page). */
async function waitUntil(description, predicate) {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (!(await predicate())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${STEP_TIMEOUT_MS} ms waiting for ${description}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
}

/**
 * Wait until a row of the Problems panel contains ``text`` or, with
 * ``present`` false, until none does.
 */
async function waitForProblemRow(page, text, present = true) {
    await page.waitForFunction(
        ([expected, wanted]) => {
            const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
            const found = rows.some((row) => row.innerText.replace(/\s+/g, ' ').includes(expected));
            return found === wanted;
        },
        [text, present],
    );
}

function fileLines(file) {
    const absolute = path.join(process.env.STEWARD_WORKSPACE, file);
    return fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8').split('\n') : null;
}

async function openFile(page, file) {
    const name = path.basename(file);
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input');
    await page.keyboard.type(file);
    // The list keeps the rows of an earlier quick input until the new ones
    // arrive, so wait for the file's own row.
    await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label^="${name}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tabs-container .tab.active[data-resource-name="${name}"]`);
    await page.waitForSelector('.monaco-editor.focused .view-lines');
}

/** Move the cursor to a 1-based line with Ctrl+G, which scrolls it into view. */
async function goToLine(page, line) {
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input');
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

async function showProblemsOfFile(page, file) {
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row');
    const total = await problemTotal(page);
    const all = await problemRows(page);

    // The text filter keeps the markers whose file name or message matches.
    await page.fill('.viewpane-filter input', path.basename(file));
    await page.waitForFunction(
        (name) => {
            const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
            return rows.length > 0 && rows[0].innerText.includes(name);
        },
        path.basename(file),
    );
    return { total, all };
}

async function run() {
    const file = process.env.STEWARD_FILE;
    fs.mkdirSync(process.env.STEWARD_SCREENSHOTS, { recursive: true });
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: BROWSER_ARGS,
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => result.consoleErrors.push(error.message));
    try {
        if (process.env.STEWARD_SCENARIO === 'install-offer') {
            await runInstallOffer(page, file);
        } else {
            await runSteps(page, file);
        }
    } catch (error) {
        await step(page, '99-failure').catch(() => undefined);
        throw error;
    } finally {
        await browser.close();
    }
}

async function runSteps(page, file) {
    await page.goto(process.env.STEWARD_URL);
    await page.waitForSelector('.monaco-workbench');
    await page.waitForSelector('.explorer-folders-view .monaco-list-row');
    await step(page, '01-workbench');

    await openFile(page, file);
    await page.waitForSelector('.squiggly-error, .squiggly-warning, .squiggly-info');
    await step(page, '02-diagnostics-in-editor');

    const { total, all } = await showProblemsOfFile(page, file);
    const rows = await problemRows(page);
    const markers = rows.map(parseMarker).filter(Boolean);
    await step(page, '03-problems-panel', { total, allRows: all, rows, markers });
    if (markers.length === 0) {
        throw new Error(`no steward markers for ${file} in the Problems panel`);
    }

    // Enter on a marker moves the editor's cursor to it, and Ctrl+. then
    // requests the quick fixes of the diagnostics under the cursor.
    const target = markers[0];
    await page.locator('.markers-panel .monaco-list-row').nth(target.row).click();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor.focused');
    // The light bulb shows once the server has returned code actions for the
    // cursor's position. Ctrl+. pressed before that may find none.
    await waitForLightBulb(page);
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget .monaco-list-row.action');
    const actions = await page.$$eval('.action-widget .monaco-list-row.action', (nodes) =>
        nodes.map((node) => node.getAttribute('aria-label')),
    );
    await step(page, '04-quick-fix-menu', { target, actions });

    const title = `Ignore ${target.code} on this line`;
    if (!actions.includes(title)) {
        throw new Error(`no quick fix titled ${title}`);
    }
    // The menu's pointer block swallows clicks, so choose with the keyboard:
    // the first action has the focus when the menu opens.
    for (let index = 0; index < actions.indexOf(title); index += 1) {
        await page.keyboard.press('ArrowDown');
    }
    await page.waitForSelector(`.action-widget .monaco-list-row.focused[aria-label="${title}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.action-widget', { state: 'hidden' });
    // "Save without Formatting" (Ctrl+K S) skips the save participants, so
    // the profile's codeActionsOnSave does not also apply "fix all" here.
    await page.keyboard.press('Control+K');
    await page.keyboard.press('S');

    // The file's diagnostics come back without the ignored one: VS Code
    // pulls them again when the server sends workspace/diagnostic/refresh.
    await waitForProblemRow(page, `${target.code} [Ln ${target.line}, Col ${target.column}]`, false);
    await step(page, '05-after-quick-fix', {
        total: await problemTotal(page),
        rows: await problemRows(page),
    });

    await runGenerator(page);
    await fixOnSave(page, file);
}

/**
 * Wait for the editor's light bulb. VS Code requests the code actions of the
 * cursor's position once per cursor move and drops a response that arrives
 * after it gave up, so on a slow machine the cursor is moved off the word
 * and back to request them again.
 */
async function waitForLightBulb(page) {
    const selector = '.monaco-editor .lightBulbWidget.codicon';
    for (let attempt = 1; attempt < LIGHT_BULB_ATTEMPTS; attempt += 1) {
        try {
            await page.waitForSelector(selector, { timeout: STEP_TIMEOUT_MS / LIGHT_BULB_ATTEMPTS });
            return;
        } catch {
            await page.keyboard.press('End');
            await page.keyboard.press('Home');
        }
    }
    await page.waitForSelector(selector);
}

/** Accept the install offer and wait until the started server reports findings. */
async function runInstallOffer(page, file) {
    await page.goto(process.env.STEWARD_URL);
    await page.waitForSelector('.monaco-workbench');
    const toast = page.locator('.notification-toast', { hasText: 'steward-lsp is not installed' });
    await toast.waitFor();
    const buttons = await toast.locator('.monaco-button').allInnerTexts();
    await step(page, '01-install-offer', { message: await toast.innerText(), buttons });

    await toast.locator('.monaco-button', { hasText: INSTALL_BUTTON }).click();
    await openFile(page, file);
    await page.waitForSelector('.squiggly-error, .squiggly-warning, .squiggly-info', {
        timeout: INSTALL_TIMEOUT_MS,
    });
    await step(page, '02-diagnostics-after-install');
}

/** Run the model-state generator from the palette; wait for its file in an editor. */
async function runGenerator(page) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input');
    await page.keyboard.type(GENERATOR_TITLE);
    await page.waitForSelector(
        `.quick-input-list .monaco-list-row.focused[aria-label^="${GENERATOR_TITLE}"]`,
    );
    const commands = await page.$$eval('.quick-input-list .monaco-list-row', (rows) =>
        rows.map((row) => row.getAttribute('aria-label')),
    );
    await step(page, '06-command-palette', { commands });
    await page.keyboard.press('Enter');

    await waitUntil(GENERATED_FILE, async () => fileLines(GENERATED_FILE) !== null);
    const name = path.basename(GENERATED_FILE);
    await page.waitForSelector(`.tabs-container .tab.active[data-resource-name="${name}"]`);
    await page.waitForSelector('.monaco-editor .view-lines .view-line');
    await step(page, '07-generated-file', {
        file: GENERATED_FILE,
        firstLine: fileLines(GENERATED_FILE)[0],
    });
}

/**
 * Edit the model file, save it, and wait until codeActionsOnSave has fixed
 * an STW201/STW202 finding on disk and in the Problems panel.
 */
async function fixOnSave(page, file) {
    // The Problems panel still shows the file's findings only.
    const markers = (await problemRows(page)).map(parseMarker).filter(Boolean);
    const target = markers.find((marker) => INDEX_CODES.includes(marker.code));
    if (!target) {
        throw new Error(`no ${INDEX_CODES.join(' or ')} marker for ${file} in the Problems panel`);
    }
    // The list renders only the rows in view, so filter it down to the code:
    // a row missing after the save is then gone, not scrolled away.
    await page.fill('.viewpane-filter input', target.code);
    await page.waitForFunction((code) => {
        const findings = [...document.querySelectorAll('.markers-panel .monaco-list-row')]
            .map((row) => row.innerText.replace(/\s+/g, ' '))
            .filter((text) => /steward\W*STW\d+/.test(text));
        return findings.length > 0 && findings.every((text) => text.includes(code));
    }, target.code);
    await openFile(page, file);

    // The edit: a blank first line, which moves every finding one line down.
    // The server offers fixes only for the buffer it analysed, so the save
    // waits until the Problems panel shows the moved finding.
    const line = target.line + 1;
    const moved = `${target.code} [Ln ${line}, Col ${target.column}]`;
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Enter');
    await waitForProblemRow(page, moved);
    await goToLine(page, line);
    await step(page, '08-edited-before-save', {
        target: { ...target, line },
        before: fileLines(file)[target.line - 1],
        rows: await problemRows(page),
    });

    const saves = await saveUntilFixed(page, file, line);
    await waitForProblemRow(page, moved, false);
    await step(page, '09-fixed-on-save', {
        saves,
        total: await problemTotal(page),
        rows: await problemRows(page),
        saved: fileLines(file)[line - 1],
    });
}

/**
 * Press Ctrl+S until ``line`` of the saved file has index=True; return the
 * number of saves. Fails after MAX_SAVES saves without it.
 *
 * NOTE: code-server 4.100.3 now and then saves without asking the server
 * for the codeActionsOnSave actions. The server then receives didSave with
 * no codeAction request before it. That happened on about 1 save in 25 of
 * this test on a loaded 2-core machine, and the cause is not known. Ctrl+S
 * on the saved file runs the save participants again, as a user would.
 */
async function saveUntilFixed(page, file, line) {
    for (let saves = 1; ; saves += 1) {
        await page.keyboard.press('Control+S');
        // Only the saved file starts with the blank line. A read can catch the
        // file while the editor writes it, so lines may be missing.
        let saved = [];
        await waitUntil(`the save of ${file}`, async () => {
            saved = fileLines(file) || [];
            return saved.length > line && saved[0] === '';
        });
        if (saved[line - 1].includes('index=True')) {
            return saves;
        }
        if (saves === MAX_SAVES) {
            throw new Error(`${saves} saves left line ${line} of ${file} without index=True`);
        }
    }
}

run().then(
    () => {
        writeResult();
        process.exit(0);
    },
    (error) => {
        result.error = String(error && error.stack ? error.stack : error);
        writeResult();
        process.exit(1);
    },
);

// Drives code-server in headless Debian Chromium through steward's editor
// flow: open a file, wait for the diagnostics in the editor and the Problems
// panel, apply the "Ignore CODE on this line" quick fix and wait until its
// diagnostic is gone.
//
// Run from test_code_server.py; environment:
//   STEWARD_URL         code-server URL with ?folder=<workspace>
//   STEWARD_FILE        workspace-relative path of the file to open
//   STEWARD_SCREENSHOTS folder for one PNG per step
//   STEWARD_RESULT      path of the JSON result file
//   CHROMIUM            browser executable (default /usr/bin/chromium)
// Every step is written to the result file and the Python test asserts on it,
// so this script exits non-zero only when a step could not run at all.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const STEP_TIMEOUT_MS = 60_000;
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

async function openFile(page, file) {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input');
    await page.keyboard.type(file);
    await page.waitForSelector('.quick-input-list .monaco-list-row');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines');
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
        await runSteps(page, file);
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
    await page.waitForSelector('.monaco-editor .lightBulbWidget.codicon');
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
    await page.keyboard.press('Control+S');

    // The server republishes the file's diagnostics without the ignored one.
    await page.waitForFunction(
        (expected) => {
            const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
            return !rows.some((row) => row.innerText.replace(/\s+/g, ' ').includes(expected));
        },
        `${target.code} [Ln ${target.line}, Col ${target.column}]`,
    );
    await step(page, '05-after-quick-fix', {
        total: await problemTotal(page),
        rows: await problemRows(page),
    });
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

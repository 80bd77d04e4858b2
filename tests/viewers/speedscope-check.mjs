// Loads one trace file (.json or .json.gz) into speedscope, served from its npm release files, in
// Debian's headless Chromium, and reports whether every lane nested flat.
//
//   node speedscope-check.mjs TRACE [--timeout-ms N] [--chromium PATH] [--screenshot PNG]
//
// Prints one JSON line {loaded, warnings, nestingWarnings, error, ...} and exits 0 only when the
// profile loaded, speedscope logged no nesting warning and showed no error; 1 otherwise; 2 on bad usage.
//
// speedscope's Chrome trace importer turns every "X" slice into a begin at ts and an end at ts + dur
// (in doubles) and replays them per (pid, tid) as a stack. A slice that ends a hair after the next one
// starts cannot be closed in order, and the importer says so on the console with one of the texts in
// nestingPatterns; those are what this counts.

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const nestingPatterns = [
    /^Tried to end frame ".*", but the stack was empty/s,
    /^ts=.*: Tried to end ".*" when ".*" was on the top of the stack/s,
    /^Frame ".*" was still open at end of profile/s,
];

function parseArgs(argv) {
    const opts = { trace: null, timeoutMs: 120000, chromium: '/usr/bin/chromium', screenshot: null };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (a === '--timeout-ms') opts.timeoutMs = Number(argv[++i]);
        else if (a === '--chromium') opts.chromium = argv[++i];
        else if (a === '--screenshot') opts.screenshot = argv[++i];
        else if (!a.startsWith('--') && !opts.trace) opts.trace = a;
        else return null;
    }
    return opts.trace && opts.timeoutMs > 0 ? opts : null;
}

function releaseDir() {
    // The package's "main" is not the web app; its static release sits beside package.json.
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist', 'release');
}

const mimeTypes = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
    '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain',
};

// Serves the release directory and the one trace. A .gz trace goes out as opaque bytes without
// Content-Encoding, so that speedscope itself has to recognise and inflate it, as it would a file
// a person drops onto the page.
function serve(root, tracePath) {
    const traceUrlPath = '/trace/' + encodeURIComponent(path.basename(tracePath));
    const server = http.createServer((req, res) => {
        const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
        let file;
        if (urlPath === decodeURIComponent(traceUrlPath)) {
            file = tracePath;
        } else {
            const rel = urlPath === '/' ? 'index.html' : urlPath.slice(1);
            file = path.join(root, path.normalize(rel));
            if (!file.startsWith(root + path.sep)) file = null;
        }
        fs.stat(file ?? '', (err, st) => {
            if (err || !st.isFile()) {
                res.writeHead(404).end();
                return;
            }
            const type = file === tracePath ? 'application/octet-stream'
                                            : mimeTypes[path.extname(file)] ?? 'application/octet-stream';
            res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-store' });
            fs.createReadStream(file).pipe(res);
        });
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve({ server, traceUrlPath }));
    });
}

async function check(opts) {
    const result = { loaded: false, warnings: 0, nestingWarnings: 0, error: null };
    const started = Date.now();
    const tracePath = path.resolve(opts.trace);
    await fsp.access(tracePath, fs.constants.R_OK);
    const { server, traceUrlPath } = await serve(releaseDir(), tracePath);
    const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'raceway-speedscope-'));
    let browser = null;
    try {
        browser = await puppeteer.launch({
            executablePath: opts.chromium,
            ignoreDefaultArgs: true, // exactly these flags, nothing puppeteer would add on its own
            pipe: true,
            // speedscope draws with WebGL. Without a GPU that is SwiftShader, which Chromium only falls
            // back to on its own with a deprecation warning: ask for it, for this local page only.
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                   '--disable-background-networking', '--disable-component-update', '--disable-sync',
                   '--disable-extensions', '--enable-unsafe-swiftshader', `--user-data-dir=${userDataDir}`,
                   'about:blank'],
            timeout: opts.timeoutMs,
            protocolTimeout: opts.timeoutMs,
        });
        const page = (await browser.pages())[0] ?? await browser.newPage();
        await page.setViewport({ width: 1400, height: 800 });
        const samples = [], otherSamples = [];
        let settle;
        const settled = new Promise(resolve => { settle = resolve; });
        page.on('console', msg => {
            const type = msg.type();
            const text = msg.text();
            if (type === 'warn' || type === 'warning') {
                ++result.warnings;
                if (nestingPatterns.some(p => p.test(text))) {
                    ++result.nestingWarnings;
                    if (samples.length < 3) samples.push(text.slice(0, 200));
                } else if (otherSamples.length < 3) {
                    otherSamples.push(text.slice(0, 200));
                }
            }
            // loadProfile() ends its "import" timer only once the profile group is set.
            if (type === 'timeEnd' && text.startsWith('import:')) {
                result.loaded = true;
                settle();
            }
            if (text.startsWith('Failed to load format')) {
                result.error = text.slice(0, 300);
                settle();
            }
        });
        page.on('pageerror', err => {
            result.error = result.error ?? `page error: ${String(err.message ?? err).slice(0, 300)}`;
            settle();
        });
        page.on('dialog', async dialog => {
            // "Unrecognized format!" and "imported profile, but it's empty" arrive as alerts.
            result.error = result.error ?? `alert: ${dialog.message()}`;
            await dialog.dismiss().catch(() => {});
            settle();
        });
        const { port } = server.address();
        const base = `http://127.0.0.1:${port}`;
        await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(base + traceUrlPath)}`,
                        { waitUntil: 'load', timeout: opts.timeoutMs });
        // Errors thrown inside the importer only show as the error screen: watch for it too.
        const errorScreen = page.waitForFunction(
            () => document.body && document.body.innerText.includes('Something went wrong'),
            { polling: 250, timeout: 0 }).then(() => {
                result.error = result.error ?? 'speedscope: Something went wrong';
                settle();
            }, () => {});
        const left = Math.max(1000, opts.timeoutMs - (Date.now() - started));
        let timer;
        const timedOut = new Promise(resolve => { timer = setTimeout(resolve, left, 'timeout'); });
        if (await Promise.race([settled, timedOut]) === 'timeout')
            result.error = result.error ?? `timed out after ${opts.timeoutMs} ms`;
        clearTimeout(timer);
        if (result.loaded && !result.error) {
            // The error screen replaces the flame graph if rendering the loaded profile throws.
            await new Promise(resolve => setTimeout(resolve, 300));
            const broken = await page.evaluate(() => document.body.innerText.includes('Something went wrong'));
            if (broken) result.error = 'speedscope: Something went wrong';
            result.title = await page.title();
            if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
        }
        void errorScreen;
        if (samples.length) result.samples = samples;
        if (otherSamples.length) result.otherWarnings = otherSamples;
    } catch (err) {
        result.error = result.error ?? String(err.message ?? err).slice(0, 300);
    } finally {
        if (browser) await browser.close().catch(() => {});
        server.close();
        await fsp.rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    }
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    result.bytes = (await fsp.stat(tracePath)).size;
    return result;
}

const opts = parseArgs(process.argv.slice(2));
if (!opts) {
    process.stderr.write('usage: node speedscope-check.mjs TRACE [--timeout-ms N] [--chromium PATH] [--screenshot PNG]\n');
    process.exit(2);
}
// A last resort for a hang outside the page's own timeouts (a browser that never starts, say).
const watchdog = setTimeout(() => {
    process.stdout.write(JSON.stringify({ loaded: false, warnings: 0, nestingWarnings: 0,
                                          error: `watchdog: no result after ${opts.timeoutMs + 30000} ms` }) + '\n');
    process.exit(1);
}, opts.timeoutMs + 30000);
watchdog.unref();
const result = await check(opts);
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(result.loaded && result.nestingWarnings === 0 && !result.error ? 0 : 1);

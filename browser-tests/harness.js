// Starts a real `onward` (demo data on a fresh database) and Debian's Chromium
// for the browser tests. Every page a test visits is checked with axe.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const DEMO_PASSWORD = 'onward-demo-2026';
const ONWARD = process.env.ONWARD_BIN ?? new URL('../target/debug/onward', import.meta.url).pathname;
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The backends to run on: SQLite always; PostgreSQL unless ONWARD_BROWSER_BACKENDS says otherwise. */
export function backends() {
  return (process.env.ONWARD_BROWSER_BACKENDS ?? 'sqlite,postgres').split(',').filter(Boolean);
}

/** A fresh database URL for `backend`, and a function that removes it. */
function freshDatabase(backend) {
  const name = `onward_browser_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'onward-browser-'));
    return { url: `sqlite://${join(dir, 'onward.db')}?mode=rwc`, drop: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const psql = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', sql]);
  psql(`CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

function run(args, env) {
  execFileSync(ONWARD, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A port free on 127.0.0.1 just now. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Seeds the demo on a fresh database and serves it; resolves with { baseUrl, stop }.
 * `env` adds settings (e.g. `ONWARD_SMTP__URL`); with `publicUrl`, the server
 * listens on a port chosen beforehand and `ONWARD_PUBLIC_URL` is its address,
 * so the links campaign messages carry lead back to it.
 */
export async function startOnward(backend, { env: extra = {}, publicUrl = false } = {}) {
  const database = freshDatabase(backend);
  const env = { ONWARD_DATABASE_URL: database.url, ONWARD_LOG: 'warn', ...extra };
  let bind = '127.0.0.1:0';
  if (publicUrl) {
    bind = `127.0.0.1:${await freePort()}`;
    env.ONWARD_PUBLIC_URL = `http://${bind}`;
  }
  run(['demo', '--no-serve'], env);
  const server = spawn(ONWARD, ['serve', '--bind', bind], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('onward serve did not start in 30 s')), 30_000);
    server.on('exit', (code) => reject(new Error(`onward serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const match = line.match(/serving at (http:\/\/\S+?)\/? /);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    baseUrl,
    run: (args) => run(args, env),
    /** Runs `onward ARGS` against this database and returns its standard output. */
    capture: (args, extraEnv = {}) =>
      execFileSync(ONWARD, args, { env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] }).toString(),
    stop: async () => {
      server.kill('SIGTERM');
      await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.on('exit', resolve)));
      database.drop();
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

/** A page in its own context (axe needs pages made from a context). */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('close', () => context.close().catch(() => {}));
  return page;
}

/** Fails with the list of WCAG 2.2 A/AA violations on the current page, if any. */
export async function expectNoAxeViolations(page, assert) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(summary, [], `axe violations on ${page.url()}`);
}

/** Signs in through the form. */
export async function signIn(page, baseUrl, email, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

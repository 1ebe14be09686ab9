// Starts the built function app standalone on a free loopback port with its own SQLite file, outbox and API keys.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const appDll = path.join(repoRoot, 'functions/BreachNotify.FunctionApp/bin/Release/net10.0/BreachNotify.FunctionApp.dll');

export const keys = { viewer: 'e2e-viewer-key-0123456789', reporter: 'e2e-reporter-key-0123456789', dpo: 'e2e-dpo-key-0123456789' };
const names = { viewer: 'vera', reporter: 'sam', dpo: 'dana' };
const sha256 = s => createHash('sha256').update(s, 'utf8').digest('hex');

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** Recursively counts .eml files (the outbox may use sub-folders). */
export async function countEml(dir) {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += await countEml(path.join(dir, e.name));
    else if (e.name.endsWith('.eml')) n++;
  }
  return n;
}

export async function startApp() {
  if (!existsSync(appDll)) throw new Error(`Build the function app first (dotnet build -c Release): ${appDll} is missing`);
  const work = await mkdtemp(path.join(tmpdir(), 'bn-e2e-'));
  const outbox = path.join(work, 'outbox');
  const port = await freePort();
  const env = {
    ...process.env,
    ASPNETCORE_ENVIRONMENT: 'Production',
    Storage__Provider: 'Sqlite',
    Storage__Sqlite__Path: path.join(work, 'e2e.db'),
    Email__Provider: 'Outbox',
    Email__Outbox__Directory: outbox,
    Organisation__TimeZone: 'Europe/Amsterdam',
    // Notices name the organisation and the DPO (Art 33(3)(b), 34(2)); without them a notice is refused naming the setting.
    Organisation__Name: 'Example Organisation B.V.',
    Organisation__Dpo__Name: 'Dana Privacy',
    Organisation__Dpo__Email: 'dpo@example.test',
    Organisation__LeadAuthority: 'NL',
    // The Dutch authority takes portal entries only: its notice is mailed to the DPO for entry there.
    Organisation__AuthorityNoticeEmail: 'dpo@example.test',
    // Reminder e-mails link to incidents in this dashboard.
    Organisation__DashboardUrl: `http://127.0.0.1:${port}/api/ui/`,
    Logging__LogLevel__Default: 'Warning',
  };
  Object.entries(keys).forEach(([role, key], i) => {
    env[`Auth__ApiKeys__${i}__Name`] = names[role];
    env[`Auth__ApiKeys__${i}__Role`] = role;
    env[`Auth__ApiKeys__${i}__KeySha256`] = sha256(key);
  });
  // The working folder is the temp dir, so no developer's local.settings.json is picked up.
  const child = spawn('dotnet', [appDll, '--urls', `http://127.0.0.1:${port}`], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`the app did not start in 60 s:\n${log}`); }
    await new Promise(r => setTimeout(r, 250));
  }
  return {
    baseUrl, outbox, work, log: () => log,
    /** Calls the API directly (capability checks and setup). */
    async api(role, p, init = {}) {
      const headers = { 'X-Api-Key': keys[role], Accept: 'application/json', ...(init.headers ?? {}) };
      if (init.json !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${baseUrl}/api/${p}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
      const text = await res.text();
      let body = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body, headers: res.headers };
    },
    /**
     * Rewrites text inside one stored entity directly in the app's SQLite file, behind the API's back (as someone with
     * access to the database could). Node 20 has no SQLite module: Python's standard sqlite3 does it. Returns rows changed.
     */
    editStored(table, partitionKey, rowKey, from, to) {
      const script = [
        'import sqlite3, sys',
        'db, tbl, pk, rk, old, new = sys.argv[1:]',
        'c = sqlite3.connect(db, timeout=30)',
        'n = c.execute("UPDATE entities SET props = replace(props, ?, ?) WHERE tbl = ? AND pk = ? AND rk = ? AND instr(props, ?) > 0", (old, new, tbl, pk, rk, old)).rowcount',
        'c.commit()',
        'print(n)',
      ].join('\n');
      const r = spawnSync('python3', ['-c', script, env.Storage__Sqlite__Path, table, partitionKey, rowKey, from, to], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`editing the database failed: ${r.stderr}`);
      return Number(r.stdout.trim());
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise(r => child.once('exit', r)), new Promise(r => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(work, { recursive: true, force: true });
    },
  };
}

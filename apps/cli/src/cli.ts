// Owns the `kordon` command line: arguments, output streams and exit codes. `run` never throws
// and never exits the process, so tests drive it in-process; main.ts is the only caller that
// touches process state.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyzeAgainst } from './against';
import { verifyBundle } from './verify';
import { analyze, DEFAULT_EXCLUDED_NAMESPACES, type DirectionChoice, gateLines } from './analyze';
import { CliError, EXIT_BAD_INPUT, EXIT_BELOW_THRESHOLD, EXIT_OK } from './exit-codes';
import { formatProblem } from './input-problems';
import { buildJsonReport, writeJsonReport } from './report';
import { writeTextReport } from './text-report';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function parsePercent(value: string): number {
  const text = value.trim().replace(/%$/, '');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError(`expected a percentage from 0 to 100, got ${JSON.stringify(value)}`);
  }
  return n;
}

// RFC 1123 label: what Kubernetes accepts as a namespace name.
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function parseNamespaceList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !NAMESPACE_NAME.test(n));
  if (bad.length) throw new InvalidArgumentError(`not a namespace name: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  return [...new Set(names)];
}

const EXIT_CODES_HELP = `
Exit codes:
  0  analysed; coverage meets --fail-under (when given)
  1  coverage is below --fail-under in a checked direction (the failing direction is printed)
  2  bad input or usage: unreadable path, invalid YAML/JSON, invalid NetworkPolicy (CIDR, port,
     selector), unknown kind, invalid option; nothing is analysed
With --against <cluster>:
  0  the change opens no connection and breaks no default-deny
  1  the change opens connections or breaks a default-deny (each is printed)
  2  bad input (as above) or an unknown cluster
  3  the check could not run: the API is unreachable, refused KORDON_TOKEN, or failed`;

const ANALYZE_HELP = `
<path> is a file or a directory (read recursively: .yaml, .yml, .json) holding any mix of
kubectl output (-o yaml|json, multi-document files, List objects), GitOps manifests (workloads
without pods count as their replicas), \`az aks show\` JSON (the network policy engine and node
pools) and ClusterState JSON exports.

Coverage is the share of pods isolated, over the namespaces not excluded. With --fail-under,
a cluster whose network profile says no engine enforces policies (networkPolicy: none) counts
as 0% covered; without an az aks show file the engine is unknown and the policies are judged
as declared.

Examples:
  kordon analyze ./clusters/prod
  kordon analyze export.json --json --connections > posture.json
  kordon analyze ./manifests --fail-under 80 --direction ingress
  KORDON_URL=https://kordon.example.com KORDON_TOKEN=… kordon analyze ./policies --against aks-prod-weu
${EXIT_CODES_HELP}`;

interface AnalyzeFlags {
  json?: boolean;
  connections?: boolean;
  failUnder?: number;
  direction: DirectionChoice;
  excludeNamespaces?: string[];
  against?: string;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('kordon')
    .description('NetworkPolicy segmentation posture for Kubernetes (AKS) clusters, from kubectl exports or manifests.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `kordon: ${s}` : s),
    });

  program
    .command('analyze')
    .description('coverage, default-deny baselines, findings and (optionally) allowed connections of one cluster')
    .argument('<path>', 'ClusterState JSON, or a kubectl YAML/JSON file or directory')
    .option('--json', 'print the report as JSON on stdout')
    .option('--connections', 'include the allowed connections (src, dst, conn)')
    .option('--fail-under <pct>', 'exit 1 when pod coverage (0-100) is below this in a checked direction', parsePercent)
    .addOption(
      new Option('--direction <direction>', 'direction(s) checked by --fail-under and shown in the table')
        .choices(['ingress', 'egress', 'both'])
        .default('both'),
    )
    .option(
      '--exclude-namespaces <names>',
      `comma-separated namespaces left out of coverage (replaces the default: ${DEFAULT_EXCLUDED_NAMESPACES.join(',')})`,
      parseNamespaceList,
    )
    .option('--against <cluster>', 'what-if against a registered cluster (name or id) through the Kordon API (KORDON_URL, KORDON_TOKEN): exit 1 when the change opens connections or breaks a default-deny')
    .addHelpText('after', ANALYZE_HELP)
    .action(async (input: string, flags: AnalyzeFlags) => {
      if (flags.against !== undefined) {
        setExit(await analyzeAgainst(input, flags.against, { json: !!flags.json, env: process.env, stdout: io.stdout, stderr: io.stderr }));
        return;
      }
      const a = await analyze(input, {
        json: !!flags.json,
        connections: !!flags.connections,
        failUnder: flags.failUnder,
        direction: flags.direction,
        excludeNamespaces: flags.excludeNamespaces,
      });
      if (flags.json) {
        writeJsonReport(buildJsonReport(a), io.stdout);
      } else {
        writeTextReport(a, flags.direction, io.stdout);
        for (const w of a.warnings) io.stderr(`kordon: warning: ${formatProblem(w)}\n`);
      }
      if (a.gate) {
        for (const line of gateLines(a.gate)) io.stderr(`kordon: ${line}\n`);
        setExit(a.gate.passed ? EXIT_OK : EXIT_BELOW_THRESHOLD);
      }
    });
  program
    .command('verify')
    .description('check an evidence bundle offline: file hashes, the Ed25519 signature, the snapshot digest and the chain')
    .argument('<bundle>', 'the evidence bundle (.zip) downloaded from Kordon')
    .option('--public-key <file>', 'the PEM public key from /api/evidence/public-key (else the key inside the bundle: integrity only)')
    .addHelpText('after', `
Exit codes:
  0  the bundle verifies
  1  it does not: the first failure is printed (a modified, missing or added file, a bad signature,
     a digest or chain link that does not match)
  2  not a readable bundle, or an unreadable public key`)
    .action(async (bundle: string, flags: { publicKey?: string }) => {
      setExit(await verifyBundle(bundle, { publicKeyFile: flags.publicKey, stdout: io.stdout, stderr: io.stderr }));
    });
  return program;
}

/** Runs one command line (arguments after the program name) and returns the exit code. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  let code = EXIT_OK;
  try {
    const program = buildProgram(io, (c) => (code = c));
    if (!argv.length) {
      program.outputHelp({ error: true });
      return EXIT_BAD_INPUT;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error it already printed.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (err instanceof CliError) {
      io.stderr(`kordon: error: ${err.message}\n`);
      for (const d of err.details) io.stderr(`  ${d}\n`);
      return err.exitCode;
    }
    // A bug, not the user's fault; still one line, no stack (KORDON_DEBUG=1 shows it).
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`kordon: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.KORDON_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT_BAD_INPUT;
  }
}

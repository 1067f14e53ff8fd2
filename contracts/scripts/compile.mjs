// Compiles the contracts with the pinned solc (npm) into artifacts/<Contract>.json, or with
// --check verifies that the committed artifacts are what the sources compile to.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'src', 'main', 'solidity');
const artifactDir = path.join(root, 'artifacts');
const CONTRACTS = ['MystToken', 'IdentityRegistry', 'ServiceRegistry', 'Payments'];
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  viaIR: true,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

const sources = {};
for (const file of fs.readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(sourceDir, file), 'utf8') };
}
function findImports(importPath) {
  const candidates = [path.join(root, 'node_modules', importPath), path.join(sourceDir, importPath)];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `not found: ${importPath}` };
}

const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const message of output.errors || []) console.error(message.formattedMessage);
if (errors.length > 0) process.exit(1);

const artifacts = {};
for (const name of CONTRACTS) {
  const contract = output.contracts[`${name}.sol`][name];
  artifacts[name] = JSON.stringify({
    contractName: name,
    abi: contract.abi,
    bytecode: '0x' + contract.evm.bytecode.object,
    deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
    compiler: { version: solc.version(), settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion, viaIR: settings.viaIR } },
  }, null, 2) + '\n';
}

if (process.argv.includes('--check')) {
  const differing = CONTRACTS.filter((name) => {
    const file = path.join(artifactDir, `${name}.json`);
    return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== artifacts[name];
  });
  if (differing.length > 0) {
    console.error(`artifacts differ from the sources: ${differing.join(', ')} (run: npm run compile)`);
    process.exit(1);
  }
  console.log(`artifacts match the sources (${CONTRACTS.length} contracts, solc ${solc.version()})`);
} else {
  fs.mkdirSync(artifactDir, { recursive: true });
  for (const name of CONTRACTS) fs.writeFileSync(path.join(artifactDir, `${name}.json`), artifacts[name]);
  console.log(`wrote ${CONTRACTS.length} artifacts (solc ${solc.version()})`);
}

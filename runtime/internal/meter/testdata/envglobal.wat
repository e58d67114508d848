;; Provides the global equiv.wat imports (host modules cannot export globals).
;; Built with: wat2wasm envglobal.wat -o envglobal.wasm
(module (global (export "base") i32 (i32.const 1000)))

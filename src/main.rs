//! The `mailctl` binary. All behaviour lives in the library; this file only hands over argv.
//! The name the binary is invoked under selects the personality (`sendmail`, `mailq`).

fn main() -> std::process::ExitCode {
    mailctl::cli::main()
}

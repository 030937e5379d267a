//! Print a generated procedure with loops (valid, reproducible), for
//! benchmarks and experiments.
//!
//! Run: `cargo run -p meldroute-examples --example generate_procedure -- 501 1 > big.yaml`
//! (501 steps with their end steps make 1,001 steps; 1 is the seed).

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let parse = |a: Option<String>, default: u64| a.map_or(Ok(default), |s| s.parse::<u64>());
    match (parse(args.next(), 501), parse(args.next(), 1)) {
        (Ok(n), Ok(seed)) if n > 0 => {
            print!(
                "{}",
                meldroute_core::generate::procedure_with_loops(n as usize, seed)
            );
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: generate_procedure [STEPS > 0] [SEED]");
            std::process::ExitCode::from(2)
        }
    }
}

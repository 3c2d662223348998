//! Standard output for the example programs, with the manners of a Unix tool: when the
//! reader goes away (`score --json | head`), the program ends quietly with exit code 0
//! instead of panicking in `println!`.
#![allow(dead_code)] // each example uses a different subset

use std::fmt::Display;
use std::io::{ErrorKind, Write};

/// Writes `text` to standard output and flushes it.
///
/// A closed pipe ends the program with exit code 0 and no message, as `cat` or `grep`
/// do; any other write error (a full disk) ends it with the one-line error and code 2.
pub fn print_text(text: impl Display) {
    let mut out = std::io::stdout().lock();
    let result = write!(out, "{text}").and_then(|()| out.flush());
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(2)
        }
    }
}

/// [`print_text`] followed by a newline.
pub fn print_line(text: impl Display) {
    print_text(format_args!("{text}\n"));
}

# The JSON writer the reference scripts share (sourced, not run on its own).
#
# Base R only (no JSON package needed to write). Numbers are written at full double precision:
# each double is printed with the shortest of 15, 16 or 17 significant digits that reads back
# to the same IEEE double; NA, NaN and Inf are `null`. The layout is the one of the reference
# files: data frames are arrays of row objects (one row per line), matrices are
# `{rownames, colnames, values}` with `values` row-major, named vectors and named lists are
# objects, unnamed vectors of length other than one are arrays (wrap a vector in `jarr()` to
# write it as an array whatever its length), `NULL` is `null`.
#
# Every script takes one optional argument, the folder to write into (default: the folder
# the tests read); `out_dir_arg(default)` returns it.

num_json <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.15g", x)
  for (d in 16:17) {
    redo <- is.finite(x) & suppressWarnings(as.numeric(out)) != x
    redo[is.na(redo)] <- FALSE
    if (!any(redo)) break
    out[redo] <- sprintf(paste0("%.", d, "g"), x[redo])
  }
  out[!is.finite(x)] <- "null"
  out
}

str_json <- function(x) {
  x <- gsub("\\", "\\\\", x, fixed = TRUE)
  x <- gsub("\"", "\\\"", x, fixed = TRUE)
  x <- gsub("\n", "\\n", x, fixed = TRUE)
  x <- gsub("\t", "\\t", x, fixed = TRUE)
  x <- gsub("\r", "\\r", x, fixed = TRUE)
  ifelse(is.na(x), "null", paste0("\"", x, "\""))
}

# Mark a vector or list to be written as a JSON array even when it has length one.
jarr <- function(x) structure(list(value = x), class = "json_array")

# An empty JSON object ({}), as jsonlite wrote an absent (NULL) list element.
jobj_empty <- function() structure(list(), class = "json_empty_object")

# A matrix as the reference files write it.
mat_json <- function(m) {
  m <- as.matrix(m)
  list(rownames = jarr(as.character(rownames(m))), colnames = jarr(as.character(colnames(m))),
       values = lapply(seq_len(nrow(m)), function(i) jarr(unname(m[i, ]))))
}

scalars_json <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x)) return(ifelse(is.na(x), "null", ifelse(x, "true", "false")))
  if (is.character(x)) return(str_json(x))
  num_json(x)
}

# Returns a list(text, inline): inline values hold no nested containers.
to_json_parts <- function(x, indent) {
  pad <- strrep("  ", indent + 1)
  close_pad <- strrep("  ", indent)
  container <- function(open, close, keys, vals) {
    parts <- lapply(vals, to_json_parts, indent = indent + 1)
    texts <- vapply(parts, `[[`, "", "text")
    if (!is.null(keys)) texts <- paste0(str_json(keys), ": ", texts)
    if (length(texts) == 0) return(list(text = paste0(open, close), inline = TRUE))
    flat <- all(vapply(parts, function(p) p$scalar, TRUE))
    if (flat) return(list(text = paste0(open, paste(texts, collapse = ", "), close),
                          inline = TRUE, scalar = FALSE))
    list(text = paste0(open, "\n", paste0(pad, texts, collapse = ",\n"), "\n", close_pad, close),
         inline = FALSE, scalar = FALSE)
  }
  res <- if (is.null(x)) {
    list(text = "null", scalar = TRUE)
  } else if (inherits(x, "json_empty_object")) {
    list(text = "{}", scalar = FALSE)
  } else if (inherits(x, "json_array")) {
    v <- x$value
    if (is.list(v)) container("[", "]", NULL, unname(v))
    else list(text = paste0("[", paste(scalars_json(unname(v)), collapse = ", "), "]"),
              scalar = FALSE)
  } else if (is.data.frame(x)) {
    rows <- lapply(seq_len(nrow(x)), function(i) {
      lapply(setNames(names(x), names(x)), function(k) {
        v <- x[[k]][i]
        if (is.factor(v)) as.character(v) else v
      })
    })
    container("[", "]", NULL, rows)
  } else if (is.matrix(x)) {
    to_json_parts(mat_json(x), indent)
  } else if (is.list(x)) {
    if (!is.null(names(x))) container("{", "}", names(x), unname(x))
    else container("[", "]", NULL, x)
  } else if (!is.null(names(x))) {
    container("{", "}", names(x), lapply(seq_along(x), function(i) unname(x[i])))
  } else if (length(x) == 1) {
    list(text = scalars_json(x), scalar = TRUE)
  } else {
    list(text = paste0("[", paste(scalars_json(x), collapse = ", "), "]"), scalar = FALSE)
  }
  if (is.null(res$scalar)) res$scalar <- FALSE
  res
}

to_json <- function(x) to_json_parts(x, 0)$text

write_json_file <- function(x, path) {
  dir.create(dirname(path), showWarnings = FALSE, recursive = TRUE)
  writeLines(to_json(x), path)
  invisible(path)
}

# The folder to write into: the script's first argument, else `default`.
out_dir_arg <- function(default) {
  args <- commandArgs(trailingOnly = TRUE)
  dir <- if (length(args) >= 1) args[[1]] else default
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  dir
}

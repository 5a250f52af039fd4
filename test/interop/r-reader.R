# The real R reader LabKey's R client (Rlabkey) goes through, run on lk's netrc files by the
# interop tier: httr over the R curl package over libcurl, with the options Rlabkey's
# labkey.getRequestOptions() sets for a GET when no apiKey and no email/password are configured
# (labkey.setCurlOptions' defaults, httpauth = 1 (Basic), netrc = 1 (CURL_NETRC_OPTIONAL), no
# netrc file named: libcurl picks $HOME/.netrc). HOME and NETRC come from the environment.
# argv: a JSON object {"whoami": url, "server": its host, "hosts": [...], "port": n, "file": path or null}.
# Prints JSON: the R, httr and libcurl versions; whoAmI's email; per host the Basic credentials
# libcurl sent (null: none); with "file", whoAmI's email with NETRC_FILE set to it, as
# labkey.setCurlOptions(NETRC_FILE = file) sets it.
suppressPackageStartupMessages({
  library(httr)
  library(jsonlite)
})

arg <- fromJSON(commandArgs(trailingOnly = TRUE)[1], simplifyVector = TRUE)

# Rlabkey: labkey.setCurlOptions() defaults, then getRequestOptions() for a GET with netrc.
rlabkey_options <- function(...) {
  c(config(ssl_verifyhost = 2, ssl_verifypeer = TRUE, followlocation = TRUE, sslversion = 1L, useragent = "LabKey R API"),
    config(...),
    config(httpauth = 1L),
    config(netrc = 1))
}

# One GET on a fresh handle (no cookies from an earlier request); returns the email whoAmI
# answered and the Basic credentials libcurl put in the request, read from its debug callback.
probe <- function(url, ...) {
  sent <- character(0)
  trace <- config(verbose = TRUE, debugfunction = function(type, msg) {
    if (type == 2) sent <<- c(sent, rawToChar(msg))
  })
  r <- GET(url, c(rlabkey_options(...), trace), handle = handle(url))
  headers <- unlist(strsplit(paste(sent, collapse = ""), "\r\n", fixed = TRUE))
  auth <- regmatches(headers, regexpr("^Authorization: Basic [A-Za-z0-9+/=]+$", headers))
  basic <- if (length(auth)) rawToChar(base64_dec(sub("^Authorization: Basic ", "", auth[1]))) else NULL
  email <- tryCatch(content(r, as = "parsed", type = "application/json")$email, error = function(e) NULL)
  list(status = status_code(r), email = email, auth = basic)
}

out <- list(
  r = paste(R.version$major, R.version$minor, sep = "."),
  httr = as.character(packageVersion("httr")),
  libcurl = curl::curl_version()$version
)

me <- probe(arg$whoami)
out$whoami <- list(status = me$status, email = me$email)
out$auth <- list()
for (h in arg$hosts) {
  a <- if (h == arg$server) me$auth else {
    probe(sprintf("http://%s:%d/labkey/login/whoAmI.view", h, arg$port), resolve = sprintf("%s:%d:127.0.0.1", h, arg$port))$auth
  }
  out$auth[[h]] <- if (is.null(a)) NA else a
}
if (!is.null(arg$file)) {
  f <- probe(arg$whoami, NETRC_FILE = arg$file)
  out$file <- list(status = f$status, email = f$email)
}
cat(toJSON(out, auto_unbox = TRUE, null = "null", na = "null"))

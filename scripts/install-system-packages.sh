#!/usr/bin/env bash
# Installs the system packages casefile needs on Debian 12. Run as root, or it uses sudo.
# time, unzip and python3 are for the benchmark suite only (casefile-bench; see PERFORMANCE.md).
# imagemagick, libimage-exiftool-perl and libjpeg-turbo-progs are for the tests only: they make images with metadata and
# read the cleaned copies back.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y \
  libxml2-dev libxslt1-dev libxmlsec1-dev libarchive-dev \
  xmlsec1 libxml2-utils xsltproc pkg-config libsqlite3-dev \
  sqlite3 util-linux openssl \
  time unzip python3 \
  imagemagick libimage-exiftool-perl libjpeg-turbo-progs

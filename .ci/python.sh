#!/usr/bin/env bash
# The Python package and its Spark job: called by .ci/run after `cargo test
# --release` (the tests compare with target/release/geoevents).
#   - Java 17 (Debian openjdk-17-jre-headless) for Spark in local mode;
#   - a virtual environment with pytest, pyarrow, GeoPandas, PySpark 4
#     (pandas < 3, which PySpark 4 supports) and the package itself, built by
#     the README's command (pip runs maturin, which PyPI provides);
#   - pytest over crates/geoevents-py/tests, the Spark tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi

venv=target/python-ci
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check \
    "maturin>=1.9.4,<2" "pytest>=8" "pyarrow>=14" "geopandas>=0.14" "shapely>=2" "pyspark>=4,<5" "pandas<3" numpy

cargo build --release --bin geoevents
# The README's build command, in the virtual environment:
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps ./crates/geoevents-py

# From another folder, so that `import geoevents` is the installed package.
cd crates/geoevents-py
status=0
SPARK_LOCAL_IP=127.0.0.1 "../../$venv/bin/python" -m pytest tests --spark -rs -p no:cacheprovider || status=$?
# pytest's 5 is "no tests collected": a broken collection here, not a pass.
exit "$status"

#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build (the `compile` step runs $SRC/build.sh in the repository, the
# Dockerfile's WORKDIR). The contract: CC, CXX, CFLAGS, CXXFLAGS and LIB_FUZZING_ENGINE
# (-fsanitize=fuzzer) from the environment, fuzzers into $OUT.
#
# What it puts in $OUT:
#   websocketkit-fuzz/          the harness (fuzz/WebSocketKit.Fuzz) published self-contained for
#                               linux-x64 (the runner image has no .NET), WebSocketKit.dll instrumented
#                               with SharpFuzz as fuzz/run.sh does
#   <target>                    one libFuzzer launcher per registered target (fuzz/libfuzzer/launcher.c),
#                               named after it: it runs websocketkit-fuzz/WebSocketKit.Fuzz --libfuzzer <target>
#   <target>_seed_corpus.zip    fuzz/corpus/<target>/
#   <target>.dict               fuzz/dict/<target>.dict
#   <target>.options            libFuzzer defaults (max_len: the targets read at most 64 KiB)
#
# The .NET SDK: the version global.json pins, from Microsoft's dotnet-install script
# (`--jsonfile global.json`) into $DOTNET_INSTALL_DIR (default $HOME/.dotnet). The switch
# WSK_DOTNET_INSTALL: auto (default) installs only when `dotnet --version` in the repository fails
# (no SDK that global.json accepts); skip never installs; always installs anyway.
# fuzz/cflite-check.sh runs this script here, with the SDK already installed (auto finds it).

repo=$PWD
[ -f "$repo/global.json" ] && [ -d "$repo/fuzz/WebSocketKit.Fuzz" ] || { echo "build.sh: run me from the repository (WORKDIR)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

install_mode=${WSK_DOTNET_INSTALL:-auto}
if [ "$install_mode" = always ] || { [ "$install_mode" = auto ] && ! (cd "$repo" && dotnet --version >/dev/null 2>&1); }; then
  install_dir=${DOTNET_INSTALL_DIR:-$HOME/.dotnet}
  echo "build.sh: installing the .NET SDK of global.json into $install_dir"
  curl -sSfL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --jsonfile "$repo/global.json" --install-dir "$install_dir" --no-path
  export DOTNET_ROOT=$install_dir PATH=$install_dir:$PATH
fi
echo "build.sh: .NET SDK $(cd "$repo" && dotnet --version)"

# The harness, self-contained, with only the library instrumented (never the harness, the targets or System.*).
payload=$OUT/websocketkit-fuzz
rm -rf "$payload"
(cd "$repo" && dotnet publish fuzz/WebSocketKit.Fuzz/WebSocketKit.Fuzz.csproj -c Release -r linux-x64 --self-contained \
  -o "$payload" --nologo -v q -p:DebugType=none)
(cd "$repo" && dotnet tool restore >/dev/null && dotnet tool run sharpfuzz "$payload/WebSocketKit.dll")

# One launcher per target, compiled with the sanitizer flags and linked with the fuzzing engine.
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
$CC $CFLAGS -c "$repo/fuzz/libfuzzer/launcher.c" -o "$work/launcher.o"
targets=$("$payload/WebSocketKit.Fuzz" --list)
for target in $targets; do
  $CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$work/launcher.o" -o "$OUT/$target"
  rm -f "$OUT/${target}_seed_corpus.zip"
  (cd "$repo/fuzz/corpus/$target" && zip -q -X "$OUT/${target}_seed_corpus.zip" ./*)
  cp "$repo/fuzz/dict/$target.dict" "$OUT/$target.dict"
  printf '[libfuzzer]\nmax_len = 65536\n' >"$OUT/$target.options"
  echo "build.sh: $OUT/$target"
done

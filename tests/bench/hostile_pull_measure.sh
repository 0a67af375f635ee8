#!/bin/bash
# usage: measure.sh BASE LABEL
B=$1; cd "$(dirname "$0")/../.."
T=$B/kenya-lnob/keys/kenya-lnob.pub.json
run() { name=$1; shift; rm -rf $B/out-$name; ( ulimit -v 4000000; /usr/bin/time -v timeout 20 "$@" ) > $B/$name.out 2> $B/$name.err; echo "$name rc=$? $(grep -E 'Elapsed|Maximum resident' $B/$name.err | sed 's/^\s*//' | tr '\n' ' ')"; grep -m1 -E '^\[|Error|refused' $B/$name.out $B/$name.err | head -2; }
run pull-zero .venv/bin/cdx pull $B/cat-zero kenya-lnob/health-scorecard@1.0.0 --to $B/out-pull-zero --trust $T
run pull-big .venv/bin/cdx pull $B/cat-big kenya-lnob/health-scorecard@1.0.0 --to $B/out-pull-big --trust $T
run verify-big .venv/bin/cdx verify $B/dir-big --trust $T

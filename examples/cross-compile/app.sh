#!/bin/sh
echo "app for @TARGET@, built on @BUILT_ON@, running on $(uname -m)"

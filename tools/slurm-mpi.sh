#!/usr/bin/env bash
# A vigil scan across nodes with MPI (vigil built with `cmake --preset mpi`): every rank runs a
# slice of the work; rank 0 merges the slices into one file. Submit with
#   sbatch --nodes=4 --ntasks-per-node=2 --cpus-per-task=16 tools/slurm-mpi.sh study.toml
# Resubmitting the same job after a kill continues every rank's journal (--resume).
#SBATCH --job-name=vigil-mpi
#SBATCH --time=12:00:00
#SBATCH --output=vigil-mpi-%j.log
set -euo pipefail
scan=${1:?usage: sbatch tools/slurm-mpi.sh SCAN.toml}
vigil=${VIGIL:-build/mpi/tools/vigil}
output=${2:-$(basename "${scan%.toml}").h5}

export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
# Where the cluster's srun lacks PMIx, use: mpirun "$vigil" run ... (same arguments).
srun --mpi=pmix "$vigil" run "$scan" -o "$output" --threads "$OMP_NUM_THREADS" --resume

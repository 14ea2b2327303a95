#include "mpi_session.hpp"

#include <cstdlib>
#include <initializer_list>

#ifdef VIGIL_WITH_MPI
#include <mpi.h>
#endif

namespace vigil::cli {

#ifdef VIGIL_WITH_MPI
namespace {

// True when an MPI launcher started this process; a plain `vigil` never initialises MPI.
bool started_by_mpi_launcher() {
    for (const auto* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
        if (std::getenv(variable) != nullptr) return true;
    }
    return false;
}

}  // namespace
#endif

mpi_session::mpi_session([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef VIGIL_WITH_MPI
    if (!started_by_mpi_launcher()) return;
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    initialized_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
}

mpi_session::~mpi_session() {
#ifdef VIGIL_WITH_MPI
    if (initialized_) MPI_Finalize();
#endif
}

int mpi_session::maximum(int value) const {
#ifdef VIGIL_WITH_MPI
    if (initialized_) {
        int result = value;
        MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return result;
    }
#endif
    return value;
}

}  // namespace vigil::cli

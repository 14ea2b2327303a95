#pragma once

// MPI for `vigil run` under mpirun, when vigil is built with -DVIGIL_MPI=ON. Without that
// switch, or when the program was not started by an MPI launcher, the session is inactive and
// every call is a no-op for a single process. Only the main thread calls MPI (FUNNELED).

namespace vigil::cli {

class mpi_session {
public:
    mpi_session(int& argc, char**& argv);
    ~mpi_session();
    mpi_session(const mpi_session&) = delete;
    mpi_session& operator=(const mpi_session&) = delete;

    bool active() const { return size_ > 1; }
    int rank() const { return rank_; }
    int size() const { return size_; }

    // The largest of every rank's value (e.g. exit statuses); a barrier as well.
    int maximum(int value) const;

private:
    bool initialized_ = false;
    int rank_ = 0;
    int size_ = 1;
};

}  // namespace vigil::cli

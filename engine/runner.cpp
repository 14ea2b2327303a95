#include "runner.hpp"

#include "error.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace vigil {

namespace {

// A bounded hand-off from the simulating threads to the single writer thread. push() blocks
// while `capacity` blocks wait, which bounds memory; a writer failure is kept and rethrown
// to the producer at its next push() or at close().
class writer_queue {
public:
    explicit writer_queue(result_sink& sink, std::size_t capacity)
        : sink_(sink), capacity_(capacity), thread_([this] { drain(); }) {}

    ~writer_queue() {
        if (thread_.joinable()) {
            stop();
            thread_.join();
        }
    }

    void push(result_block block) {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return waiting_.size() < capacity_ || failure_; });
        if (failure_) std::rethrow_exception(failure_);
        waiting_.push_back(std::move(block));
        ready_.notify_one();
    }

    // Waits until every pushed block is written; rethrows a writer failure.
    void close() {
        stop();
        thread_.join();
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    void stop() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        ready_.notify_one();
    }

    void drain() {
        while (true) {
            result_block block;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return !waiting_.empty() || closed_; });
                if (waiting_.empty()) return;
                block = std::move(waiting_.front());
                waiting_.pop_front();
            }
            try {
                sink_.write(block);
            } catch (...) {
                std::lock_guard lock(mutex_);
                failure_ = std::current_exception();
                waiting_.clear();
                space_.notify_all();
                return;
            }
            std::lock_guard lock(mutex_);
            space_.notify_all();
        }
    }

    result_sink& sink_;
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable space_;
    std::deque<result_block> waiting_;
    bool closed_ = false;
    std::exception_ptr failure_;
    std::thread thread_;
};

result_block simulate_block(const point_simulator& simulator, const scan_plan& plan,
                            std::size_t fields, std::uint64_t point, std::uint64_t first_replicate,
                            std::uint64_t count, int threads) {
    result_block block;
    block.point = point;
    block.first_replicate = first_replicate;
    block.count = count;
    block.values.assign(fields * count, 0.0);

    const std::uint64_t recorded = plan.trajectories > first_replicate
                                       ? std::min(count, plan.trajectories - first_replicate)
                                       : 0;
    std::vector<trajectory_record> records(recorded);

    std::exception_ptr failure;
    const auto n = static_cast<std::int64_t>(count);
#pragma omp parallel num_threads(threads)
    {
        std::vector<double> slots(fields);
#pragma omp for schedule(dynamic, 16)
        for (std::int64_t i = 0; i < n; ++i) {
            const auto offset = static_cast<std::uint64_t>(i);
            const replicate_streams streams(plan.seed, point, first_replicate + offset);
            trajectory_record* record = offset < recorded ? &records[offset] : nullptr;
            try {
                simulator.simulate(streams, slots, record);
            } catch (...) {
#pragma omp critical(vigil_runner_failure)
                if (!failure) failure = std::current_exception();
            }
            for (std::size_t f = 0; f < fields; ++f) block.values[f * count + offset] = slots[f];
        }
    }
    if (failure) std::rethrow_exception(failure);

    for (std::uint64_t r = 0; r < recorded; ++r) {
        block.trajectories.emplace_back(first_replicate + r, std::move(records[r]));
    }
    return block;
}

}  // namespace

void run_scan(const scan_plan& plan, const model& chosen, result_sink& sink,
              const run_settings& settings) {
    const int threads = settings.threads > 0 ? settings.threads : omp_get_max_threads();
    const std::size_t fields = chosen.results().size();
    const std::uint64_t block_size = std::max<std::uint64_t>(1, settings.block_replicates);
    const std::uint64_t total = plan.points.size() * plan.replicates;
    const std::uint64_t begin = std::min(settings.work_begin, total);
    const std::uint64_t end = std::min(settings.work_end, total);
    writer_queue queue(sink, 3);

    run_progress progress;
    progress.points = plan.points.size();
    progress.work_total = end - begin;
    for (std::uint64_t work = begin; work < end;) {
        const std::uint64_t point = work / plan.replicates;
        const std::uint64_t point_end = std::min(end, (point + 1) * plan.replicates);
        const auto started = std::chrono::steady_clock::now();
        const auto simulator = chosen.prepare(plan.points[point]);
        while (work < point_end) {
            const std::uint64_t first = work - point * plan.replicates;
            const std::uint64_t count = std::min(block_size, point_end - work);
            queue.push(simulate_block(*simulator, plan, fields, point, first, count, threads));
            work += count;
            if (settings.on_progress) {
                const std::chrono::duration<double> spent =
                    std::chrono::steady_clock::now() - started;
                progress.point = point;
                progress.point_finished = work == point_end;
                progress.point_seconds = spent.count();
                progress.work_done = work - begin;
                settings.on_progress(progress);
            }
        }
    }
    queue.close();
}

}  // namespace vigil

#pragma once

#include <QThread>
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace cabas {

// Runs work(from, to) over [0, n): in the calling thread, or split into contiguous parts over up to `threads`
// threads (0: QThread::idealThreadCount()) of at least `rowsPerThread` rows each. Once every thread has
// ended, rethrows the exception of the first part that threw. `work` must only touch its own part of any
// shared output (and nothing of a database connection, which belongs to the calling thread).
template <typename Work> void inParallel(std::size_t n, int threads, int rowsPerThread, const Work& work)
{
    const std::size_t most = std::size_t(std::max(1, threads > 0 ? threads : QThread::idealThreadCount()));
    const std::size_t parts = std::clamp<std::size_t>(n / std::size_t(std::max(1, rowsPerThread)), 1, most);
    if (parts == 1) {
        work(std::size_t(0), n);
        return;
    }
    const std::size_t each = (n + parts - 1) / parts;
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> pool;
    pool.reserve(parts - 1);
    auto part = [&](std::size_t i) {
        try {
            work(std::min(n, i * each), std::min(n, (i + 1) * each));
        } catch (...) {
            errors[i] = std::current_exception();
        }
    };
    for (std::size_t i = 1; i < parts; ++i)
        pool.emplace_back(part, i);
    part(0);
    for (std::thread& t : pool)
        t.join();
    for (const std::exception_ptr& e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace cabas

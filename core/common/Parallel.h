#pragma once

#include <QThread>
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
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

// Parts of a job worked on in other threads while the calling thread produces the next ones (rows read from a
// database, whose connection stays in the calling thread): submit() each part once it is complete (it must
// stay where it is until finish()), then finish() works on what is left with the other threads, waits for
// every part and rethrows the first exception a part threw (the parts after it are skipped). The destructor,
// when finish() was not called (the producer threw), stops the threads and drops what is left.
template <typename Part> class Pipeline
{
  public:
    // `threads`: the threads working beside the caller (0: QThread::idealThreadCount() - 1, at least 1).
    explicit Pipeline(std::function<void(Part&)> work, int threads = 0) : m_work(std::move(work))
    {
        const int n = threads > 0 ? threads : std::max(1, QThread::idealThreadCount() - 1);
        for (int i = 0; i < n; ++i)
            m_threads.emplace_back([this] { run(); });
    }
    ~Pipeline()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_closed = true;
            m_queue.clear();
        }
        m_wake.notify_all();
        for (std::thread& t : m_threads)
            if (t.joinable())
                t.join();
    }
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    void submit(Part& part)
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_queue.push_back(&part);
        }
        m_wake.notify_one();
    }

    void finish()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_closed = true;
        }
        m_wake.notify_all();
        run();
        for (std::thread& t : m_threads)
            t.join();
        if (m_error)
            std::rethrow_exception(m_error);
    }

  private:
    void run()
    {
        for (;;) {
            Part* part = nullptr;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [this] { return m_closed || !m_queue.empty(); });
                if (m_queue.empty())
                    return;
                part = m_queue.front();
                m_queue.pop_front();
                if (m_error)
                    continue;
            }
            try {
                m_work(*part);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(m_mutex);
                if (!m_error)
                    m_error = std::current_exception();
            }
        }
    }

    std::function<void(Part&)> m_work;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Part*> m_queue;
    bool m_closed = false;
    std::exception_ptr m_error;
    std::vector<std::thread> m_threads;
};

} // namespace cabas

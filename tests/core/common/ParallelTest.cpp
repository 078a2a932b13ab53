#include "common/Parallel.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <numeric>
#include <stdexcept>

using namespace cabas;

TEST_CASE("inParallel covers every index once, in one or several threads, and rethrows", "[common][parallel]")
{
    for (const int threads : {1, 2, 4}) {
        std::vector<int> seen(10007, 0);
        inParallel(seen.size(), threads, 100, [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i)
                ++seen[i];
        });
        CHECK(std::count(seen.begin(), seen.end(), 1) == int(seen.size()));
    }
    CHECK_THROWS_AS(inParallel(1000, 4, 10,
                               [](std::size_t from, std::size_t) {
                                   if (from > 0)
                                       throw std::runtime_error("part");
                               }),
                    std::runtime_error);
}

TEST_CASE("a pipeline works every part submitted while the caller goes on, once", "[common][parallel]")
{
    struct Part
    {
        std::vector<int> in;
        long long sum = -1;
        int times = 0;
    };
    for (const int threads : {1, 3}) {
        std::deque<Part> parts;
        Pipeline<Part> pipeline(
            [](Part& p) {
                p.sum = std::accumulate(p.in.begin(), p.in.end(), 0LL);
                ++p.times;
            },
            threads);
        for (int i = 0; i < 200; ++i) {
            parts.emplace_back();
            parts.back().in.assign(std::size_t(i + 1), i);
            pipeline.submit(parts.back());
        }
        pipeline.finish();
        for (int i = 0; i < 200; ++i) {
            CHECK(parts[std::size_t(i)].sum == (long long)(i) * (i + 1));
            CHECK(parts[std::size_t(i)].times == 1);
        }
    }
}

TEST_CASE("a pipeline rethrows a part's exception at finish, and stops cleanly when never finished",
          "[common][parallel]")
{
    std::deque<int> parts(50);
    for (int i = 0; i < 50; ++i)
        parts[std::size_t(i)] = i;
    {
        std::atomic<int> done{0};
        Pipeline<int> pipeline([&](int& p) {
            if (p == 7)
                throw std::runtime_error("damaged");
            ++done;
        });
        for (int& p : parts)
            pipeline.submit(p);
        CHECK_THROWS_AS(pipeline.finish(), std::runtime_error);
        CHECK(done < 50);
    }
    {
        // The producer failed: the pipeline is destroyed without finish(), without waiting for the parts.
        std::atomic<int> done{0};
        auto pipeline = std::make_unique<Pipeline<int>>([&](int&) { ++done; }, 2);
        for (int& p : parts)
            pipeline->submit(p);
        pipeline.reset();
        CHECK(done <= 50);
    }
}

// How the trace puts several threads' changes of one lane in time order: merges and sorts of sorted
// runs give what a stable sort gives, whatever the runs' lengths (empty, one item, lopsided) and
// however many items tie.

#include "pendingmerge.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <vector>

using namespace raceway;

namespace {

struct Item
{
    std::int64_t t = 0;
    int tag = 0; // where it came from: ties keep this order
    bool operator==(const Item &) const = default;
};

bool earlier(const Item &x, const Item &y)
{
    return x.t < y.t;
}

std::vector<Item> sortedRun(std::mt19937_64 &rng, std::size_t length, std::int64_t spread, int &tag)
{
    std::uniform_int_distribution<std::int64_t> t(0, spread);
    std::vector<Item> run(length);
    for (Item &item : run)
        item.t = t(rng);
    std::sort(run.begin(), run.end(), earlier);
    for (Item &item : run)
        item.tag = tag++;
    return run;
}

} // namespace

class TestPendingMerge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mergeIsAStableMerge();
    void sortingRunsIsAStableSort();
    void sortingByTimeIsAStableSort();
};

void TestPendingMerge::mergeIsAStableMerge()
{
    std::mt19937_64 rng(7);
    const std::size_t lengths[] = {0, 1, 2, 3, 7, 64, 1000};
    for (std::size_t la : lengths)
        for (std::size_t lb : lengths)
            for (std::int64_t spread : {std::int64_t(0), std::int64_t(5), std::int64_t(1) << 40}) {
                int tag = 0;
                const std::vector<Item> a = sortedRun(rng, la, spread, tag);
                const std::vector<Item> b = sortedRun(rng, lb, spread, tag);
                std::vector<Item> expected = a;
                expected.insert(expected.end(), b.begin(), b.end());
                std::stable_sort(expected.begin(), expected.end(), earlier);
                std::vector<Item> out(la + lb, Item{-1, -1});
                Item *end = pendingmerge::mergeInto(a.data(), a.data() + la, b.data(), b.data() + lb,
                                                    out.data(), earlier);
                QCOMPARE(end, out.data() + out.size());
                if (out != expected)
                    QFAIL(qPrintable(QStringLiteral("%1 and %2 items, times 0 to %3: not a stable merge")
                                         .arg(la)
                                         .arg(lb)
                                         .arg(spread)));
            }
}

void TestPendingMerge::sortingRunsIsAStableSort()
{
    std::mt19937_64 rng(11);
    for (int round = 0; round < 200; ++round) {
        // As a commit finds them: one sorted run per thread drained, of any length.
        std::uniform_int_distribution<int> runs(1, 17), length(0, 300);
        const std::int64_t spread = round % 3 == 0 ? 3 : 1'000'000;
        int tag = 0;
        std::vector<Item> v;
        for (int r = runs(rng); r > 0; --r) {
            const std::vector<Item> run = sortedRun(rng, std::size_t(length(rng)), spread, tag);
            v.insert(v.end(), run.begin(), run.end());
        }
        std::vector<Item> expected = v;
        std::stable_sort(expected.begin(), expected.end(), earlier);
        std::vector<Item> spare;
        const bool inSpare = pendingmerge::sortRuns(v, spare, earlier);
        QCOMPARE(inSpare ? spare : v, expected);
    }
}

void TestPendingMerge::sortingByTimeIsAStableSort()
{
    // Ties broken as a lock's changes are (a release first): by an odd tag, then as they came.
    const auto tie = [](const Item &x) { return x.tag % 2 == 0; };
    const auto less = [&tie](const Item &x, const Item &y) {
        return x.t < y.t || (x.t == y.t && tie(x) < tie(y));
    };
    std::mt19937_64 rng(13);
    // Spans of one, two and three digits, and wider than the radix sort takes (merged instead).
    const std::int64_t spreads[] = {3, 1'000, 1'000'000, std::int64_t(1) << 31, std::int64_t(1) << 40};
    for (int round = 0; round < 300; ++round) {
        std::uniform_int_distribution<int> runs(1, 24), length(0, 400);
        const std::int64_t spread = spreads[round % 5];
        const std::int64_t origin = round % 2 == 0 ? 0 : std::int64_t(1) << 50;
        int tag = 0;
        std::vector<Item> v;
        for (int r = runs(rng); r > 0; --r) {
            std::vector<Item> run = sortedRun(rng, std::size_t(length(rng)), spread, tag);
            for (Item &item : run)
                item.t += origin;
            std::stable_sort(run.begin(), run.end(), less); // a run in the order less gives
            v.insert(v.end(), run.begin(), run.end());
        }
        std::vector<Item> expected = v;
        std::stable_sort(expected.begin(), expected.end(), less);
        std::vector<Item> spare;
        const bool inSpare = pendingmerge::sortByTime(v, spare, less, tie);
        QCOMPARE(inSpare ? spare : v, expected);
    }
}

QTEST_GUILESS_MAIN(TestPendingMerge)
#include "tst_pendingmerge.moc"

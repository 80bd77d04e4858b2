// A bank account shared by threads that deposit and withdraw. A withdrawal checks the balance and then
// takes the money: without the lock, check and act race. Balances are run on the same logical race
// as the counter (atomics, no undefined behaviour): every write that erased another thread's change is
// marked with the amount, and those amounts sum exactly to the money the account lost or made up.

#include "countersampler.h"
#include "racywork.h"
#include "results.h"
#include "scenario.h"
#include "stepgate.h"
#include "threadgang.h"
#include "tracedmutex.h"

#include <QLocale>

#include <random>

namespace raceway::scenarios {
namespace {

// Balances go below zero without the lock: the race word holds balance + offset.
constexpr std::int64_t offset = std::int64_t(1) << 54;

struct alignas(64) Teller
{
    std::int64_t deposits = 0, withdrawals = 0, refused = 0, overdrafts = 0, erased = 0, lossyWrites = 0;
    std::int64_t lowest = INT64_MAX; // the lowest balance this thread wrote
    std::int64_t waitNs = 0;
};

class BankScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("bank"); }
    QString title() const override { return QStringLiteral("Bank account: check, then act"); }
    QString description() const override
    {
        return QStringLiteral(
            "Several threads share one account, depositing and withdrawing. A withdrawal first checks "
            "that the balance covers it and then takes the money. Without the lock other threads act "
            "in between: two withdrawals pass their checks on the same balance and both take the "
            "money, so the balance goes below zero (an overdraft, marked), and a write based on a "
            "balance read a moment ago erases the deposits and withdrawals made since (marked like "
            "lost updates, with the amount). The balance lane draws what the bank's ledger says next to "
            "what the account really holds. With the lock on, check and act happen together: a "
            "withdrawal that does not fit is refused, the balance never goes below zero, and the two "
            "lines stay together.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 4, 1, 64, {},
                               QStringLiteral("Threads using the account.")),
            ParamSpec::integer(QStringLiteral("operations"), 100'000, 1, 100'000'000, {},
                               QStringLiteral("Deposits and withdrawals per thread."))
                .withWatchValue(qlonglong(40)),
            ParamSpec::integer(QStringLiteral("initial"), 1000, 0, 1'000'000'000, {},
                               QStringLiteral("The balance before anyone starts.")),
            ParamSpec::integer(QStringLiteral("amount"), 100, 1, 1'000'000, {},
                               QStringLiteral("Every deposit and withdrawal moves this much.")),
            ParamSpec::integer(QStringLiteral("withdraw_percent"), 60, 0, 100, QStringLiteral("%"),
                               QStringLiteral("How many of the operations are withdrawals.")),
            ParamSpec::boolean(QStringLiteral("lock"), false,
                               QStringLiteral("Check and act under one lock. Off: they race."))
                .asLockSwitch(),
            ParamSpec::integer(
                QStringLiteral("window_ns"), 100, 0, 100'000'000, QStringLiteral("ns"),
                QStringLiteral("Busy work between the check (reading the balance) and the write."))
                .withWatchValue(qlonglong(2'000'000)),
            ParamSpec::integer(QStringLiteral("pace_us"), 0, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("Pause after every operation, outside the lock."))
                .withWatchValue(qlonglong(60'000)),
            ParamSpec::integer(QStringLiteral("seed"), 7, 0, 2'147'483'647, {},
                               QStringLiteral("Seed of which operations are withdrawals.")),
            scheduleParam(64, QStringLiteral("its check of the balance, then its write, and so on"),
                          QStringLiteral("With initial=100 amount=100 withdraw_percent=100, 1,2,1,2: both "
                                         "threads check 100 before either pays, and the account ends at "
                                         "−100, every time.")),
        };
    }

    // Every operation's check (reading the balance) and write, in the order the threads take them. A
    // withdrawal that its check refused writes nothing at its second step.
    std::optional<StepPlan> steps(const ParamValues &p) const override
    {
        StepPlan plan =
            StepPlan::increments(int(p.integer(QStringLiteral("threads"))),
                                 p.integer(QStringLiteral("operations")), p.flag(QStringLiteral("lock")));
        plan.names = QStringList{QStringLiteral("check"), QStringLiteral("write")};
        plan.outcome = QStringLiteral("overdrafts");
        plan.outcomeLabel = QStringLiteral("overdrafts");
        return plan;
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads")) * p.integer(QStringLiteral("operations"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        const qlonglong threads = p.integer(QStringLiteral("threads"));
        const qlonglong operations = p.integer(QStringLiteral("operations"));
        QString line =
            QStringLiteral("bank: %1 thread%2 × %3 operation%4, lock %5")
                .arg(threads)
                .arg(threads == 1 ? QString() : QStringLiteral("s"))
                .arg(QLocale().toString(operations))
                .arg(operations == 1 ? QString() : QStringLiteral("s"))
                .arg(p.flag(QStringLiteral("lock")) ? QStringLiteral("on") : QStringLiteral("off")) +
            scheduleSuffix(p);
        const QVariant fin = metricValue(metrics, QStringLiteral("final_balance"));
        if (fin.isValid()) // numbers as people write them: a real minus sign, "1 overdraft"
            line +=
                QStringLiteral(" — balance %1, ledger says %2, %3")
                    .arg(formatWhole(fin.toLongLong()),
                         formatWhole(metricValue(metrics, QStringLiteral("expected_balance")).toLongLong()),
                         countOf(metricValue(metrics, QStringLiteral("overdrafts")).toLongLong(),
                                 QStringLiteral("overdraft"), QStringLiteral("overdrafts")));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const std::int64_t operations = p.integer(QStringLiteral("operations"));
        const std::int64_t initial = p.integer(QStringLiteral("initial"));
        const std::int64_t amount = p.integer(QStringLiteral("amount"));
        const int withdrawPercent = int(p.integer(QStringLiteral("withdraw_percent")));
        const bool useLock = p.flag(QStringLiteral("lock"));
        const std::int64_t windowNs = p.integer(QStringLiteral("window_ns"));
        const std::int64_t paceNs = p.integer(QStringLiteral("pace_us")) * 1000;
        const auto seed = std::uint32_t(p.integer(QStringLiteral("seed")));

        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < threads; ++i) {
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("teller %1").arg(i + 1), LaneKind::Thread)));
            lanes.back()->enableCoreWatch();
        }
        const std::uint16_t balanceLane = rec.addLane(QStringLiteral("balance"), LaneKind::Counter);
        const std::uint8_t balanceObj = rec.addObject(QStringLiteral("balance"), balanceLane);
        std::unique_ptr<TracedMutex> mutex;
        if (useLock) mutex = std::make_unique<TracedMutex>(rec, QStringLiteral("account lock"));
        // A schedule (or the window's step mode) holds every teller before its check and before its write.
        StepGate gate(*steps(p), p.integers(QStringLiteral("schedule")), &ctx.steps());
        const bool stepped = gate.holds();
        const std::uint8_t checkTurn = stepped ? rec.addObject(QStringLiteral("its turn to check")) : 0;
        const std::uint8_t writeTurn = stepped ? rec.addObject(QStringLiteral("its turn to write")) : 0;
        const auto stop = [&ctx] { return ctx.cancelled(); };
        const QLocale l;

        std::atomic<std::uint64_t> balance{std::uint64_t(initial + offset)};
        // What the bank's books say: every deposit and every withdrawal paid, booked just before its
        // write, so a reading of the balance never shows a write the ledger lacks.
        std::atomic<std::int64_t> ledger{initial};
        CounterSampler sampler(rec, balanceLane, balanceObj, [&] {
            const auto actual = std::int64_t(racy::value(balance.load(std::memory_order_acquire))) - offset;
            return CounterReading{ledger.load(std::memory_order_acquire), actual};
        });
        std::vector<Teller> tellers(static_cast<std::size_t>(threads));

        const std::int64_t stride = std::max<std::int64_t>(1, operations / 512);
        const auto busyFor = [&ctx](std::int64_t ns) {
            const std::int64_t until = nowNs() + ns;
            while (ns > 0 && nowNs() < until && !ctx.cancelled()) {
            }
        };
        const auto worker = [&](int index) {
            ThreadBuffer &lane = *lanes[std::size_t(index)];
            Teller &t = tellers[std::size_t(index)];
            const std::uint64_t me = racy::tag(lane.lane() + 1u);
            std::mt19937 rng(seed + std::uint32_t(index) * 7919u);
            std::uniform_int_distribution<int> percent(0, 99);
            lane.record(EventKind::ThreadStart);
            for (std::int64_t k = 0; k < operations && !ctx.cancelled(); ++k) {
                if (stepped && !gate.pass(index, lane, checkTurn, stop)) break;
                const bool withdraw = percent(rng) < withdrawPercent;
                if (mutex) t.waitNs += mutex->lock(lane);
                // The check reads the balance; the act reads it again and writes (balance -= amount):
                // both are stale as soon as another thread writes in between.
                const std::int64_t checked =
                    std::int64_t(racy::value(balance.load(std::memory_order_relaxed))) - offset;
                const bool refuse = withdraw && checked < amount; // then nothing is written
                const std::int64_t delta = withdraw ? -amount : amount;
                std::uint64_t mark = 0, read = 0;
                if (withdraw && !refuse) {
                    busyFor(windowNs); // between the check and the act
                } else if (!withdraw) {
                    mark = lane.switchMark(); // see the counter: off its core between read and write?
                    read = racy::value(balance.load(std::memory_order_relaxed));
                    busyFor(windowNs); // between reading the balance and writing it back
                }
                if (stepped) {
                    gate.say(QStringLiteral("teller %1 checked the balance: %2")
                                 .arg(index + 1)
                                 .arg(l.toString(checked)));
                    gate.note(index, refuse ? QStringLiteral("checked %1: refuses").arg(l.toString(checked))
                                     : withdraw ? QStringLiteral("checked %1: pays %2")
                                                      .arg(l.toString(checked), l.toString(amount))
                                                : QStringLiteral("read %1: adds %2")
                                                      .arg(l.toString(checked), l.toString(amount)));
                    if (!gate.pass(index, lane, writeTurn, stop)) {
                        if (mutex) mutex->unlock(lane);
                        break;
                    }
                    gate.note(index, {});
                    // Held for its turn is not off its core for the scheduler (see the counter).
                    mark = lane.switchMark();
                }
                if (refuse) {
                    if (stepped)
                        gate.say(QStringLiteral("teller %1 refused to pay %2: it checked %3")
                                     .arg(index + 1)
                                     .arg(l.toString(amount), l.toString(checked)));
                    ++t.refused;
                    lane.record(EventKind::Mark, std::uint8_t(MarkKind::Refused), std::uint32_t(amount));
                } else {
                    if (withdraw) {
                        mark = lane.switchMark();
                        read = racy::value(balance.load(std::memory_order_relaxed));
                    }
                    ledger.fetch_add(delta, std::memory_order_acq_rel); // booked just before the write
                    const bool switched = lane.switchedSince(mark);
                    const std::uint64_t written = (read + std::uint64_t(delta)) & racy::valueMask;
                    const std::uint64_t old = balance.exchange(me | written, std::memory_order_acq_rel);
                    const std::int64_t writtenBalance = std::int64_t(written) - offset;
                    t.lowest = std::min(t.lowest, writtenBalance);
                    if (withdraw) {
                        ++t.withdrawals;
                        if (writtenBalance < 0) {
                            ++t.overdrafts; // paid out on a check that no longer held
                            lane.record(EventKind::Mark, std::uint8_t(MarkKind::Overdraft),
                                        std::uint32_t(amount));
                        }
                    } else {
                        ++t.deposits;
                    }
                    const std::int64_t erased = racy::erased(old, read);
                    if (stepped) {
                        QString said =
                            withdraw
                                ? QStringLiteral("teller %1 paid %2 on a check of %3: the balance is now %4")
                                      .arg(index + 1)
                                      .arg(l.toString(amount), l.toString(checked),
                                           l.toString(writtenBalance))
                                : QStringLiteral(
                                      "teller %1 deposited %2 on the %3 it read: the balance is now %4")
                                      .arg(index + 1)
                                      .arg(l.toString(amount), l.toString(checked),
                                           l.toString(writtenBalance));
                        if (withdraw && writtenBalance < 0) said += QStringLiteral(", an overdraft");
                        if (erased != 0)
                            said += QStringLiteral(" (it wrote over teller %1's %2, erasing %3)")
                                        .arg(racy::writer(old))
                                        .arg(l.toString(qlonglong(std::int64_t(racy::value(old)) - offset)),
                                             l.toString(qlonglong(erased < 0 ? -erased : erased)));
                        gate.say(said);
                    }
                    if (erased != 0) {
                        if (switched)
                            lane.recordWideAfterSwitch(mark, nowNs(), EventKind::LostUpdate,
                                                       racy::writer(old), erased);
                        else
                            lane.recordWide(nowNs(), EventKind::LostUpdate, racy::writer(old), erased);
                        t.erased += erased;
                        ++t.lossyWrites;
                    }
                }
                if (mutex) mutex->unlock(lane);
                // Paced runs report every operation; flat-out ones a few hundred times, so that progress
                // does not spend the event budget that the markers need.
                if (paceNs > 0 || (k + 1) % stride == 0 || k + 1 == operations)
                    lane.record(EventKind::Progress, 0, std::uint32_t(k + 1));
                if (paceNs > 0) {
                    ctx.sleepDrawn(lane, paceNs);
                }
            }
            lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            if (stepped) gate.leave(index);
        };
        runTogether(
            ctx, threads, worker,
            [&] {
                sampler.start();
                if (stepped) gate.drive(stop);
            },
            [&](int i) { lanes[std::size_t(i)]->prepareCoreWatch(); });
        sampler.stop();

        Teller sum;
        for (const Teller &t : tellers) {
            sum.deposits += t.deposits;
            sum.withdrawals += t.withdrawals;
            sum.refused += t.refused;
            sum.overdrafts += t.overdrafts;
            sum.erased += t.erased;
            sum.lossyWrites += t.lossyWrites;
            sum.lowest = std::min(sum.lowest, t.lowest);
            sum.waitNs += t.waitNs;
        }
        const std::int64_t finalBalance = std::int64_t(racy::value(balance.load())) - offset;
        const std::int64_t expected = initial + (sum.deposits - sum.withdrawals) * amount;
        ctx.addMetric(QStringLiteral("final_balance"), QStringLiteral("Final balance"),
                      qlonglong(finalBalance));
        ctx.addMetric(QStringLiteral("expected_balance"), QStringLiteral("Balance by the ledger"),
                      qlonglong(expected));
        ctx.addMetric(QStringLiteral("discrepancy"), QStringLiteral("Ledger − balance"),
                      qlonglong(expected - finalBalance));
        ctx.addMetric(QStringLiteral("erased_by_writes"), QStringLiteral("Erased, summed over writes"),
                      qlonglong(sum.erased));
        ctx.addMetric(QStringLiteral("lossy_writes"), QStringLiteral("Writes that erased others"),
                      qlonglong(sum.lossyWrites));
        ctx.addMetric(QStringLiteral("overdrafts"), QStringLiteral("Overdrafts"), qlonglong(sum.overdrafts));
        ctx.addMetric(QStringLiteral("refused"), QStringLiteral("Withdrawals refused"),
                      qlonglong(sum.refused));
        ctx.addMetric(QStringLiteral("deposits"), QStringLiteral("Deposits"), qlonglong(sum.deposits));
        ctx.addMetric(QStringLiteral("withdrawals"), QStringLiteral("Withdrawals paid"),
                      qlonglong(sum.withdrawals));
        ctx.addMetric(QStringLiteral("lowest_balance"), QStringLiteral("Lowest balance written"),
                      sum.lowest == INT64_MAX ? QVariant(qlonglong(initial))
                                              : QVariant(qlonglong(std::min(sum.lowest, initial))));
        if (useLock)
            ctx.addMetric(QStringLiteral("lock_wait_ms"), QStringLiteral("Lock wait (all threads)"),
                          double(sum.waitNs) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_bank()
{
    return std::make_unique<BankScenario>();
}

} // namespace raceway::scenarios

#include "runner.h"

#include "clock.h"

namespace raceway {

Runner::Runner(const Scenario &scenario, ParamValues params, std::uint64_t maxEvents)
    : m_scenario(scenario), m_recorder(maxEvents), m_context(m_recorder, std::move(params))
{
    m_result.scenario = scenario.id();
    m_result.params = m_context.params();
}

Runner::~Runner()
{
    if (m_controller) {
        m_context.cancel();
        m_controller->wait();
    }
}

void Runner::start()
{
    m_startNs = nowNs();
    m_trace.setStart(m_startNs);
    m_controller.reset(QThread::create([this] {
        m_scenario.run(m_context);
        m_endNs = nowNs();
        m_done.store(true, std::memory_order_release);
    }));
    m_controller->setObjectName(QStringLiteral("raceway-controller"));
    m_controller->start();
}

void Runner::cancel()
{
    m_context.cancel();
}

void Runner::drain()
{
    m_trace.setRegistry(m_recorder.lanes(), m_recorder.objects());
    m_recorder.drain([this](const Event *events, std::size_t n) { m_trace.ingest(events, n); });
    m_trace.commit();
    if (const std::int64_t s = m_context.startNs(); s != 0)
        m_trace.setStart(s);
}

bool Runner::collect()
{
    if (m_finished || !m_controller)
        return m_finished;
    const bool done = m_done.load(std::memory_order_acquire);
    drain();
    if (done)
        finish();
    return m_finished;
}

void Runner::finish()
{
    m_controller->wait();
    drain(); // everything the workers wrote happened before m_done was released
    m_trace.setEnd(m_endNs);
    m_trace.compact();
    m_result.metrics = m_context.metrics();
    const std::int64_t start = m_context.startNs() != 0 ? m_context.startNs() : m_startNs;
    m_result.wallMs = double(m_endNs - start) / 1e6;
    m_result.events = m_trace.eventCount();
    m_result.droppedEvents = m_recorder.droppedEvents();
    m_result.cancelled = m_context.cancelled();
    m_result.error = m_context.error();
    m_finished = true;
}

void Runner::wait()
{
    while (!collect())
        QThread::msleep(15);
}

} // namespace raceway

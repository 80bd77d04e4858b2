#include "tracedmutex.h"

namespace raceway {

TracedMutex::TracedMutex(Recorder &recorder, const QString &name)
    : m_lane(recorder.addLane(name, LaneKind::Lock)), m_id(recorder.addObject(name, m_lane))
{
}

} // namespace raceway

#pragma once

// The nearest-neighbour and cubic kernels beside resampler.cpp's bilinear
// one; resample() picks among them. Private to wms/'s rendering.

#include "wms/resampler.hpp"

namespace wmsgate::wms {

void resample_nearest(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                      const PixelMapping& mapping, const ResampleTarget& target);
void resample_cubic(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                    const PixelMapping& mapping, const ResampleTarget& target);

}  // namespace wmsgate::wms

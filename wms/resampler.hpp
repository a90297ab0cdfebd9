#pragma once

// Bilinear resampling of a source window onto map pixels. Private to wms/'s
// rendering.

#include "wms/pixel_mapping.hpp"
#include "wms/rgba_image.hpp"
#include "wms/source_window.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {

// Draws map rows [y0, y0 + strip.height) into `strip` (map width wide):
// each pixel bilinearly sampled from `window` at the position `mapping`
// gives it, weighted by the source pixels' alpha or coverage, so that edges
// of nodata and transparent areas neither darken nor spread. Values are
// then scaled or drawn through the paint's ramp. Pixels outside the
// source raster (`source_width` x `source_height`) are transparent.
void resample(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
              const PixelMapping& mapping, int source_width, int source_height, unsigned y0,
              RgbaImage& strip);

}  // namespace wmsgate::wms

#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "tests/wms/test_datasets.hpp"
#include "wms/handler.hpp"

namespace wmsgate::wms::test {

// One set of datasets and one Handler over them for a whole test suite.
class HandlerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        data_ = new TestDatasets;
        auto catalog = LayerCatalog::open(data_->service().layers);
        ASSERT_TRUE(catalog) << catalog.error().subject;
        handler_ = new Handler(data_->service(), std::move(*catalog));
    }
    static void TearDownTestSuite() {
        delete handler_;
        delete data_;
    }

    static Response get(const std::string& target, const ClientView& view = everything()) {
        return handler_->handle(target, view);
    }
    static ClientView everything() { return {"tester", {"world", "gray"}}; }

    static inline TestDatasets* data_ = nullptr;
    static inline Handler* handler_ = nullptr;
};

}  // namespace wmsgate::wms::test

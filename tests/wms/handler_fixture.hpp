#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "tests/wms/test_datasets.hpp"
#include "tests/wms/xmllint.hpp"
#include "wms/handler.hpp"

namespace wmsgate::wms::test {

// Every capabilities or exception document a handler answers with must be
// valid against its official schema (1.3.0) or DTD (1.1.1).
inline void expect_valid_wms_xml(const Response& response) {
    const auto& body = response.body;
    const bool wms_document = body.find("<ServiceExceptionReport") != std::string::npos ||
                              body.find("<WMS_Capabilities") != std::string::npos ||
                              body.find("<WMT_MS_Capabilities") != std::string::npos;
    if (!wms_document) return;
    const auto result = xmllint_validate_wms(body);
    EXPECT_EQ(result.status, 0) << result.output << "\n" << body;
}

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
        auto response = handler_->handle(target, view);
        expect_valid_wms_xml(response);
        return response;
    }
    static ClientView everything() { return {"tester", {"world", "gray", "dem"}}; }

    static inline TestDatasets* data_ = nullptr;
    static inline Handler* handler_ = nullptr;
};

}  // namespace wmsgate::wms::test
